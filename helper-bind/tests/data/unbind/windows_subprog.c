/* A program-type helper called from a subprogram in .text: the programs that
 * call the subprogram decide its program type. -DLATE: extern declarations. */
typedef struct xdp_md_s xdp_md_t;

#ifdef LATE
#define HELPER(ret, name, args, id) extern ret name args;
#else
#define HELPER(ret, name, args, id) static ret(*name) args = (void *)id;
#endif
HELPER(int, bpf_xdp_adjust_head, (xdp_md_t *ctx, int delta), 65536)
HELPER(unsigned long long, bpf_ktime_get_ns, (void), 9)

#define SEC(name) __attribute__((section(name), used))

static __attribute__((noinline)) int shrink(xdp_md_t *ctx, int by)
{
	return bpf_xdp_adjust_head(ctx, by) + (int)(bpf_ktime_get_ns() & 0);
}

static __attribute__((noinline)) int shrink_twice(xdp_md_t *ctx)
{
	return shrink(ctx, 4) | shrink(ctx, 8);
}

SEC("xdp/one")
int one(xdp_md_t *ctx)
{
	return shrink(ctx, 2) ? 1 : 2;
}

SEC("xdp/two")
int two(xdp_md_t *ctx)
{
	return shrink_twice(ctx) ? 1 : 2;
}
