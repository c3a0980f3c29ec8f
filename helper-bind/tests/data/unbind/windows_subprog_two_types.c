/* One subprogram calls helper 65536 and is called from xdp (where 65536 is
 * bpf_xdp_adjust_head) and from sockops (bpf_sock_ops_get_flow_id). */
#define SEC(name) __attribute__((section(name), used))
static long (*ext_65536)(void *ctx) = (void *)65536;

static __attribute__((noinline)) int both(void *ctx)
{
	return ext_65536(ctx);
}

SEC("xdp")
int from_xdp(void *ctx)
{
	return both(ctx);
}

SEC("sockops")
int from_sockops(void *ctx)
{
	return both(ctx);
}
