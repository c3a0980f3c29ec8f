/* Windows: an xdp helper called from a sockops program. */
#include "prelude.h"

SEC("sockops") int misplaced(xdp_md_t *ctx)
{
	return bpf_xdp_adjust_head(ctx, 4) + (int)bpf_ktime_get_ns();
}
