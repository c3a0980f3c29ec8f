/* A subprogram calling an xdp helper is reached from an xdp section and from a sockops
 * section. One instruction cannot carry two meanings of ID 65536, so binding must refuse,
 * naming the subprogram and the caller sections. */
#include "hb_windows.h"

static __noinline int adjust(void *ctx)
{
	return bpf_xdp_adjust_head((xdp_md_t *)ctx, 14);
}

SEC("xdp")
int from_xdp(xdp_md_t *ctx)
{
	return adjust(ctx) < 0 ? HB_XDP_DROP : HB_XDP_PASS;
}

SEC("sockops")
int from_sockops(bpf_sock_ops_t *ctx)
{
	return adjust(ctx);
}
