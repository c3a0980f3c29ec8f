/* Several program types in one object, two programs sharing one section, and a map all of
 * them write: socket filter, cgroup skb, tc, XDP and syscall. */
#include "hb_linux.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

static __always_inline void count_run(__u32 slot, __u64 amount)
{
	__u64 *value = bpf_map_lookup_elem(&runs, &slot);

	if (value)
		__sync_fetch_and_add(value, amount);
}

/* Socket filter: keeps the first 20 bytes of UDP packets, drops the rest. Like the cgroup
 * skb program it sees the packet from the network header on. */
SEC("socket")
int keep_udp_head(struct __sk_buff *skb)
{
	__u8 proto;

	count_run(0, 1);
	if (bpf_skb_load_bytes(skb, 9, &proto, 1))
		return 0;
	return proto == 17 ? 20 : 0;
}

/* cgroup skb: allows packets whose IPv4 TTL (read relative to the network header) is odd. */
SEC("cgroup_skb/ingress")
int allow_odd_ttl(struct __sk_buff *skb)
{
	__u8 ttl;

	count_run(1, 1);
	if (bpf_skb_load_bytes_relative(skb, 8, &ttl, 1, BPF_HDR_START_NET))
		return 0;
	return ttl % 2;
}

/* Two programs in the same "tc" section. */
SEC("tc")
int tc_first(struct __sk_buff *skb)
{
	count_run(2, skb->len);
	return skb->len * 2;
}

SEC("tc")
int tc_second(struct __sk_buff *skb)
{
	__u64 *value;
	__u32 slot = 2;

	count_run(3, 1);
	value = bpf_map_lookup_elem(&runs, &slot);
	return value ? (int)*value : -1;
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	count_run(4, ctx->data_end - ctx->data);
	return XDP_PASS;
}

struct syscall_args {
	__u32 slot;
	__u32 amount;
};

/* Syscall program: adds args->amount to runs[args->slot % 8]. */
SEC("syscall")
int add_from_syscall(struct syscall_args *args)
{
	__u32 slot = args->slot % 8;
	__u64 *value = bpf_map_lookup_elem(&runs, &slot);

	if (!value)
		return -1;
	*value += args->amount;
	bpf_map_update_elem(&runs, &slot, value, BPF_EXIST);
	return slot;
}

char _license[] SEC("license") = "GPL";
