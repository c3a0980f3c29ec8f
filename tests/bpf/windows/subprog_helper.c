/* Program-type helpers called from subprograms in `.text`: the section `.text` selects no
 * program type, so binding must take it from the program sections that reach the
 * subprogram through bpf-to-bpf calls (here two xdp sections, through two levels). */
#include "hb_windows.h"

static __noinline int pop_bytes(xdp_md_t *ctx, int bytes)
{
	return bpf_xdp_adjust_head(ctx, bytes);
}

/* Global, so the verifier checks it on its own; calls the static subprogram. */
__noinline int pop_ethernet(xdp_md_t *ctx)
{
	if (!ctx)
		return -1;
	return pop_bytes(ctx, 14) < 0 ? -1 : (int)(bpf_get_prandom_u32() % 2);
}

SEC("xdp")
int strip_then_pass(xdp_md_t *ctx)
{
	return pop_ethernet(ctx) < 0 ? HB_XDP_DROP : HB_XDP_PASS;
}

SEC("xdp/transmit")
int strip_then_transmit(xdp_md_t *ctx)
{
	if (pop_bytes(ctx, 0) < 0)
		return HB_XDP_DROP;
	return pop_ethernet(ctx) < 0 ? HB_XDP_DROP : HB_XDP_TX;
}
