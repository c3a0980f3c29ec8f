/* Two printk calls with the same argument count that clang merges into one call after a
 * branch: the argument registers are set in the predecessor blocks, not in the call's own
 * block, so binding for Windows cannot read the count from the code before the call and
 * must refuse (the issue: "where the count cannot be known, refuse with a clear message"). */
#include "hb_windows.h"

SEC("bind")
int merged_printk(void *ctx)
{
	char fmt[] = "hb %llu %llu";
	uint64_t a = bpf_get_prandom_u32(), b = bpf_ktime_get_ns();

	if (a & 1)
		bpf_trace_printk(fmt, sizeof(fmt), a, b);
	else
		bpf_trace_printk(fmt, sizeof(fmt), b, a);
	return 0;
}
