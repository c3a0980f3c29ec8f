/* First half of a two-object program linked with `bpftool gen object`: defines the global
 * subprogram part_b.c calls, and the license. */
#include "hb_linux.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} link_weights SEC(".maps");

/* Adds `amount` to link_weights[key % 16] and returns the new weight. */
__noinline int add_weight(__u32 key, __u32 amount)
{
	__u32 slot = key % 16;
	__u64 *weight = bpf_map_lookup_elem(&link_weights, &slot);

	if (!weight)
		return -1;
	*weight += amount;
	return (int)*weight;
}

SEC("tc")
int weigh_by_length(struct __sk_buff *skb)
{
	return add_weight(skb->len, skb->len);
}

char _license[] SEC("license") = "GPL";
