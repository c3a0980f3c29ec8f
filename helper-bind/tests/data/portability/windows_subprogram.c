/* An eBPF-for-Windows program (early-bound) whose subprogram in .text calls the xdp
 * program-type helper bpf_xdp_adjust_head (ID 65536) and is reached only from xdp
 * sections: the ID means bpf_xdp_adjust_head there, named through the callers. */
#include "portable.h"

static __noinline int pop(struct xdp_md *ctx)
{
	return bpf_xdp_adjust_head(ctx, 14) ? 2 : 1;
}

SEC("xdp")
int first_xdp(struct xdp_md *ctx)
{
	return pop(ctx);
}

SEC("xdp_second")
int second_xdp(struct xdp_md *ctx)
{
	return pop(ctx) + 1;
}

char _license[] SEC("license") = "GPL";
