/* A Windows program-type helper (bpf_xdp_adjust_head, xdp only) called from a subprogram
 * that an xdp and a bind program both call: on Windows the callers disagree, so the call
 * has no single ID. Checked only, never loaded. */
#include "portable.h"

static __noinline int pop(struct xdp_md *ctx)
{
	return bpf_xdp_adjust_head(ctx, 14) ? 2 : 1;
}

SEC("xdp")
int subprogram_xdp(struct xdp_md *ctx)
{
	return pop(ctx);
}

SEC("bind")
int subprogram_bind(struct xdp_md *ctx)
{
	return pop(ctx);
}

char _license[] SEC("license") = "GPL";
