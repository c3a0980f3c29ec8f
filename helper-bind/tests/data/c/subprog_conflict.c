/* Windows: a subprogram calling a program-type helper, reached from programs of two types
 * (65536 is bpf_xdp_adjust_head in xdp but bpf_sock_ops_get_flow_id in sockops), and one that
 * no program calls. */
#include "prelude.h"

static __attribute__((noinline)) int shared(xdp_md_t *ctx)
{
	return bpf_xdp_adjust_head(ctx, 14);
}

__attribute__((noinline)) int orphan(xdp_md_t *ctx)
{
	return bpf_xdp_adjust_head(ctx, 2);
}

SEC("xdp") int from_xdp(xdp_md_t *ctx)
{
	return shared(ctx);
}

SEC("sockops") int from_sockops(xdp_md_t *ctx)
{
	return shared(ctx);
}
