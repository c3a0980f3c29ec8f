/* XDP helpers: adjust head and tail, load bytes, redirect through a map with a default
 * action, and one numeric inline-assembly helper call that binding must leave alone. */
#include "hb_linux.h"
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} ports SEC(".maps");

/* Already numeric in the source, like libbpf's bpf_tail_call_static: `call 7` is
 * bpf_get_prandom_u32 on Linux. The value is discarded so runs stay comparable. */
static __always_inline void numeric_helper_call(void)
{
	asm volatile("call 7" ::: "r0", "r1", "r2", "r3", "r4", "r5");
}

/* Pops the Ethernet header to read the IPv4 protocol, pushes it back, trims 4 bytes of tail.
 * UDP is dropped, everything else passes. */
SEC("xdp")
int trim_tail(struct xdp_md *ctx)
{
	void *data, *data_end;
	__u8 proto;

	numeric_helper_call();
	if (bpf_xdp_adjust_head(ctx, ETH_HLEN))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(struct iphdr) > data_end)
		return XDP_ABORTED;
	proto = ((struct iphdr *)data)->protocol;
	if (bpf_xdp_adjust_head(ctx, -ETH_HLEN))
		return XDP_ABORTED;
	if (bpf_xdp_adjust_tail(ctx, -4))
		return XDP_ABORTED;
	return proto == IPPROTO_UDP ? XDP_DROP : XDP_PASS;
}

/* Reads the last byte with bpf_xdp_load_bytes and redirects to that port. The device map is
 * empty, so bpf_redirect_map returns the default action from its flags: XDP_PASS for an even
 * byte, XDP_DROP for an odd one. */
SEC("xdp")
int redirect_by_last_byte(struct xdp_md *ctx)
{
	__u8 last;
	__u32 len = ctx->data_end - ctx->data;

	if (len < 1 || len > 4096)
		return XDP_ABORTED;
	if (bpf_xdp_load_bytes(ctx, len - 1, &last, 1))
		return XDP_ABORTED;
	return bpf_redirect_map(&ports, last % 8, last % 2 ? XDP_DROP : XDP_PASS);
}

char _license[] SEC("license") = "GPL";
