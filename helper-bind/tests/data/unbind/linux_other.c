/* Late-bound (extern helpers) programs declaring the same helpers as
 * linux_maps.c, to link with its unbound build: libbpf's linker compares the
 * two objects' BTF prototypes of each helper. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} other_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} other_jumps SEC(".maps");

SEC("xdp")
int other_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 now = bpf_ktime_get_ns() + bpf_get_prandom_u32() + bpf_get_smp_processor_id();
	__u64 *v = bpf_map_lookup_elem(&other_counters, &key);

	if (!v)
		bpf_map_update_elem(&other_counters, &key, &now, BPF_ANY);
	bpf_printk("other %llu", now);
	bpf_tail_call(ctx, &other_jumps, 0);
	return XDP_PASS;
}

char _other_license[] SEC("license") = "GPL";
