/* A small XDP program calling five helpers, for the BPF_HELPER header tests. */
#include <linux/types.h>
#include <linux/bpf.h>
#include "bpf_helper_defs.h"

#define SEC(name) __attribute__((section(name), used))

struct {
	int (*type)[BPF_MAP_TYPE_ARRAY];
	int (*max_entries)[4];
	__u32 *key;
	__u64 *value;
} counts SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u32 key = bpf_get_smp_processor_id() & 3;
	__u64 *value = bpf_map_lookup_elem(&counts, &key);
	__u64 now = bpf_ktime_get_ns();

	if (value)
		*value += 1;
	else
		bpf_map_update_elem(&counts, &key, &now, BPF_ANY);
	bpf_trace_printk("n %d\n", sizeof("n %d\n"), key);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
