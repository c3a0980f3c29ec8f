/* Defines a global function named like the helper it calls by number. */
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
static unsigned long long (*ktime)(void) = (void *)5;

__attribute__((noinline)) int bpf_ktime_get_ns(int x)
{
	return x + 1;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	return bpf_ktime_get_ns(ktime() & 1);
}
