/* A global subprogram calling an xdp helper that no program section calls: nothing gives the
 * helper an ID, so binding must refuse and name the subprogram. */
#include "hb_windows.h"

__noinline int lonely_adjust(xdp_md_t *ctx)
{
	return bpf_xdp_adjust_head(ctx, 14);
}

SEC("bind")
int unrelated(void *ctx)
{
	return (int)bpf_get_prandom_u32();
}
