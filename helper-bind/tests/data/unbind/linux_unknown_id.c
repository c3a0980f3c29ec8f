/* Calls helper IDs Linux does not define, in two sections. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static long (*no_such_helper)(void) = (void *)9999;

SEC("xdp")
int first(struct xdp_md *ctx)
{
	return bpf_ktime_get_ns() + no_such_helper();
}

SEC("socket")
int second(struct __sk_buff *skb)
{
	return no_such_helper() & 1;
}
