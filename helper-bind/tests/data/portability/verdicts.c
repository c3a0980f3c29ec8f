/* A Linux program (built late-bound: extern helpers) that exercises every check verdict
 * against Windows: helpers whose prototypes differ in width (bpf_get_smp_processor_id,
 * bpf_csum_diff) or only in signedness and const (bpf_get_socket_cookie), printk by argument
 * count, a numeric call from inline assembly, kfuncs, a bpf-to-bpf call, a helper Windows
 * lacks (bpf_skb_store_bytes) and an XDP-only helper called from a tc program. It is
 * compiled and checked, never loaded (the tc program would not pass the verifier). */
#include "portable.h"

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

static __noinline hb_u64 twice(hb_u64 x)
{
	return x * 2;
}

SEC("xdp")
int xdp_verdicts(struct xdp_md *ctx)
{
	hb_u32 cpu = bpf_get_smp_processor_id();
	__s64 diff = bpf_csum_diff(0, 0, 0, 0, cpu);
	hb_u64 cookie = bpf_get_socket_cookie(ctx);

	hb_printk("cpu %llu", (hb_u64)cpu);
	asm volatile("call 7" ::: "r0", "r1", "r2", "r3", "r4", "r5");
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return diff < 0 ? 1 : (twice(cookie) & 1) + 1;
}

SEC("tc")
int tc_verdicts(struct __sk_buff *skb)
{
	hb_u32 v = 0;

	bpf_skb_store_bytes(skb, 0, &v, sizeof(v), 0);
	return bpf_xdp_adjust_head((struct xdp_md *)skb, 0) ? 2 : 0;
}

char _license[] SEC("license") = "GPL";
