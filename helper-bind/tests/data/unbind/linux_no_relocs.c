/* Helper calls and nothing else that needs a relocation: the early-bound
 * object has no relocation section at all. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int coin(struct xdp_md *ctx)
{
	__u64 t = bpf_ktime_get_ns();

	return (bpf_get_prandom_u32() ^ t) & 1 ? XDP_PASS : XDP_DROP;
}

SEC("socket")
int cpu_parity(struct __sk_buff *skb)
{
	return bpf_get_smp_processor_id() & 1;
}
