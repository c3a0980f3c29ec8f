/* Linux program with BTF maps, several program types, bpf-to-bpf calls,
 * printk and a bpf_tail_call_static (inline asm `call 12`). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* One program array per program type: the kernel ties a prog array to the
 * type of the first program that uses it. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} xdp_jumps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} tc_jumps SEC(".maps");

static __attribute__((noinline)) void bump(__u32 slot, __u64 by)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &slot);

	if (v)
		__sync_fetch_and_add(v, by);
}

__attribute__((noinline)) int global_sub(__u32 x)
{
	return x ^ bpf_get_prandom_u32();
}

SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	__u64 now = bpf_ktime_get_ns();

	bump(0, 1);
	bump(1, now & 0xff);
	bpf_printk("xdp %llu", now);
	bpf_tail_call_static(ctx, &xdp_jumps, 0);
	return XDP_PASS + (global_sub(ctx->ingress_ifindex) & 0);
}

SEC("tc")
int count_tc(struct __sk_buff *skb)
{
	__u32 key = 2;
	__u64 one = 1;

	bpf_map_update_elem(&counters, &key, &one, BPF_NOEXIST);
	bump(3, bpf_get_smp_processor_id());
	bpf_tail_call_static(skb, &tc_jumps, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
