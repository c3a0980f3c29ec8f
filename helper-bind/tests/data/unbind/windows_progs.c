/* eBPF-for-Windows style program: general helpers and program-type helpers
 * (IDs from 65536, meaning depends on the section's program type).
 * -DLATE declares every helper extern (late binding); otherwise each helper
 * is a pointer to its Windows ID (early binding), as Windows' headers do. */
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef long long int64_t;
typedef struct xdp_md_s xdp_md_t;
typedef struct bpf_sock_ops_s bpf_sock_ops_t;
typedef struct bpf_sock_addr_s bpf_sock_addr_t;
typedef struct sample_program_context_s sample_program_context_t;
typedef struct process_md_s process_md_t;

#ifdef LATE
#define HELPER(ret, name, args, id) extern ret name args;
#else
#define HELPER(ret, name, args, id) static ret(*name) args = (void *)id;
#endif

HELPER(void *, bpf_map_lookup_elem, (void *map, const void *key), 1)
HELPER(int64_t, bpf_map_update_elem, (void *map, const void *key, const void *value, uint64_t flags), 2)
HELPER(uint32_t, bpf_get_prandom_u32, (void), 6)
HELPER(uint64_t, bpf_ktime_get_ns, (void), 9)
HELPER(long, bpf_trace_printk2, (const char *fmt, uint32_t fmt_size), 12)
HELPER(int, bpf_xdp_adjust_head, (xdp_md_t *ctx, int delta), 65536)
HELPER(uint64_t, bpf_sock_ops_get_flow_id, (bpf_sock_ops_t *ctx), 65536)
HELPER(int, bpf_sock_addr_set_redirect_context, (bpf_sock_addr_t *ctx, void *data, uint32_t data_size), 65537)
HELPER(int64_t, sample_ebpf_extension_helper_function1, (sample_program_context_t *context), 65536)
HELPER(int64_t, sample_ebpf_extension_find, (void *buffer, uint64_t size, void *find, uint64_t arg_size), 65537)
HELPER(int, bpf_process_get_image_path, (process_md_t *ctx, unsigned char *path, uint32_t path_length), 65536)

#define SEC(name) __attribute__((section(name), used))

struct map_def {
	uint32_t type, key_size, value_size, max_entries;
};
SEC("maps") struct map_def stats = {2, 4, 8, 8};

SEC("xdp/shrink")
int shrink(xdp_md_t *ctx)
{
	uint32_t k = 0;
	uint64_t *v = bpf_map_lookup_elem(&stats, &k);

	if (v)
		*v += bpf_ktime_get_ns();
	return bpf_xdp_adjust_head(ctx, 4) ? 1 : 2;
}

SEC("sockops")
int flows(bpf_sock_ops_t *ctx)
{
	uint32_t k = 1;
	uint64_t id = bpf_sock_ops_get_flow_id(ctx);

	return bpf_map_update_elem(&stats, &k, &id, 0);
}

SEC("cgroup/connect4")
int redirect(bpf_sock_addr_t *ctx)
{
	char note[] = "hi";

	bpf_trace_printk2(note, sizeof(note));
	return bpf_sock_addr_set_redirect_context(ctx, note, sizeof(note));
}

SEC("sample_ext/find")
int find(sample_program_context_t *ctx)
{
	char buf[8] = "abcdefg", needle[2] = "d";

	if (sample_ebpf_extension_helper_function1(ctx))
		return 0;
	return sample_ebpf_extension_find(buf, sizeof(buf), needle, 1) + bpf_get_prandom_u32();
}

SEC("process")
int image(process_md_t *ctx)
{
	unsigned char path[16];

	return bpf_process_get_image_path(ctx, path, sizeof(path));
}
