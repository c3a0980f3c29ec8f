/* Windows XDP: the program-type helper bpf_xdp_adjust_head, map helpers, bpf_redirect_map,
 * printk of every arity, the alias bpf_memcpy, and static and global subprograms. */
#include "hb_windows.h"

#ifdef BPF_HELPER_LATE_BINDING
/* Call the pre-`_s` spelling, as objects built with older headers do: the generated header
 * maps it to bpf_memcpy_s with a macro, so only a late-bound object names the alias, and
 * helper-bind must bind it to bpf_memcpy_s's ID. */
#undef bpf_memcpy
extern long bpf_memcpy(void *destination, size_t destination_size, const void *source,
		       size_t source_size);
#endif

struct {
	__uint(type, HB_MAP_ARRAY);
	__uint(max_entries, 4);
	__type(key, uint32_t);
	__type(value, uint64_t);
} frame_counters SEC(".maps");

struct {
	__uint(type, HB_MAP_HASH);
	__uint(max_entries, 16);
	__type(key, uint32_t);
	__type(value, uint32_t);
} ports SEC(".maps");

static __noinline uint64_t mix(uint64_t a, uint64_t b)
{
	return (a * 31) ^ b;
}

__noinline int count_frame(uint32_t slot, uint64_t amount)
{
	uint64_t *counter = bpf_map_lookup_elem(&frame_counters, &slot);

	if (!counter)
		return bpf_map_update_elem(&frame_counters, &slot, &amount, 0);
	*counter += amount;
	return 0;
}

SEC("xdp")
int strip_ethernet(xdp_md_t *ctx)
{
	uint8_t header[14];
	uint64_t len = (uint64_t)((char *)ctx->data_end - (char *)ctx->data);

	if ((char *)ctx->data + sizeof(header) > (char *)ctx->data_end)
		return HB_XDP_DROP;
	bpf_memcpy(header, sizeof(header), ctx->data, sizeof(header));
	if (bpf_xdp_adjust_head(ctx, sizeof(header)) < 0)
		return HB_XDP_DROP;
	bpf_printk("hb strip");
	bpf_printk("hb strip len %llu", len);
	bpf_printk("hb strip %llu %llu", len, (uint64_t)header[12]);
	bpf_printk("hb strip %llu %llu %llu", len, (uint64_t)header[12], (uint64_t)header[13]);
	count_frame(0, mix(len, header[0]));
	return (int)bpf_redirect_map(&ports, header[0], HB_XDP_PASS);
}

/* Prefix matching: "xdp_second" selects the xdp program type too. */
SEC("xdp_second")
int count_only(xdp_md_t *ctx)
{
	uint64_t len = (uint64_t)((char *)ctx->data_end - (char *)ctx->data);

	if (bpf_xdp_adjust_head(ctx, 0) < 0)
		return HB_XDP_DROP;
	return count_frame(1, mix(len, bpf_get_prandom_u32())) ? HB_XDP_DROP : HB_XDP_PASS;
}
