/* bpf-to-bpf calls: static and global (non-static) subprograms, some calling helpers. Binding
 * must leave these calls alone: their symbols are defined in the object. */
#include "hb_linux.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} weights SEC(".maps");

/* Static subprogram without helpers. */
static __noinline __u32 mix(__u32 a, __u32 b)
{
	return (a * 31) ^ b;
}

/* Static subprogram that calls a helper. */
static __noinline int store_weight(__u32 key, __u64 value)
{
	return bpf_map_update_elem(&weights, &key, &value, BPF_ANY);
}

/* Global subprogram: the verifier checks it on its own, from its BTF prototype. */
__noinline int lookup_weight(__u32 key)
{
	__u64 *weight = bpf_map_lookup_elem(&weights, &key);

	return weight ? (int)*weight : -1;
}

/* Global subprogram taking the context. */
__noinline int first_payload_byte(struct __sk_buff *skb)
{
	__u8 byte;

	if (!skb || bpf_skb_load_bytes(skb, 14, &byte, 1))
		return -1;
	return byte;
}

/* weights[len % 16] = mix(len, first payload byte); returns the stored weight read back
 * through the global subprogram. */
SEC("tc")
int weigh_packet(struct __sk_buff *skb)
{
	__u32 key = skb->len % 16;
	int byte = first_payload_byte(skb);

	if (byte < 0)
		return -1;
	if (store_weight(key, mix(skb->len, byte)))
		return -2;
	return lookup_weight(key);
}

/* Reuses the static and global subprograms from a second program type. */
SEC("xdp")
int weigh_frame(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	if (store_weight(15, mix(len, 7)))
		return XDP_ABORTED;
	return lookup_weight(15) % 2 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
