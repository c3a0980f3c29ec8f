/* Windows only: program-type helpers (overlapping IDs) selected by section prefix,
 * alias spellings, printk by arity. */
#include "prelude.h"

#ifdef BPF_HELPER_LATE_BINDING
/* The alias spellings, declared as a program written against older headers would. */
#undef bpf_memcpy
#undef memmove_s
extern long bpf_memcpy(void *destination, size_t destination_size, const void *source, size_t source_size);
extern long memmove_s(void *destination, size_t destination_size, const void *source, size_t source_size);
#endif

SEC("xdp_test") int adjust(xdp_md_t *ctx)
{
	char a[8] = {1}, b[8];
	bpf_memcpy(b, sizeof(b), a, sizeof(a));
	memmove_s(a, sizeof(a), b, sizeof(b));
	PRINTK1("adjust %d", b[0]);
	return bpf_xdp_adjust_head(ctx, 14);
}

SEC("sockops/flows") int flows(bpf_sock_ops_t *ctx)
{
	u64 id = bpf_sock_ops_get_flow_id(ctx);
	PRINTK2("flow %llu on %llu", id, bpf_get_smp_processor_id());
	return 0;
}

SEC("cgroup/connect4") int connect(bpf_sock_addr_t *ctx)
{
	u32 data = 7;
	PRINTK3("%u %u %u", 1, 2, 3);
	return bpf_sock_addr_set_redirect_context(ctx, &data, sizeof(data));
}

SEC("sample_ext/0") int sample(sample_program_context_t *ctx)
{
	PRINTK0("sample");
	return (int)sample_ebpf_extension_helper_function1(ctx) + (int)bpf_ktime_get_ns();
}

SEC("process") int image_path(process_md_t *ctx)
{
	unsigned char path[16];
	return bpf_process_get_image_path(ctx, path, sizeof(path));
}

/* Program-type helpers in subprograms (.text): the calling programs decide the ID. */
static __attribute__((noinline)) int adjust_inner(xdp_md_t *ctx, int by)
{
	return bpf_xdp_adjust_head(ctx, by);
}

static __attribute__((noinline)) int pop_eth(xdp_md_t *ctx)
{
	return adjust_inner(ctx, 14) + adjust_inner(ctx, 4);
}

SEC("xdp/pop") int pop(xdp_md_t *ctx)
{
	return pop_eth(ctx);
}

SEC("xdp_again") int pop_again(xdp_md_t *ctx)
{
	return pop_eth(ctx) + 1;
}
