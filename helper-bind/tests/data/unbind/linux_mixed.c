/* One helper called both early-bound (numeric ID) and through an extern
 * declaration: unbind must reuse the existing undefined symbol. */
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))

static unsigned long long (*ktime_by_id)(void) = (void *)5;
extern unsigned long long bpf_ktime_get_ns(void);

SEC("xdp")
int twice(struct xdp_md *ctx)
{
	return (ktime_by_id() - bpf_ktime_get_ns()) & 1;
}

char LICENSE[] SEC("license") = "GPL";
