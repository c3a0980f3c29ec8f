/* Second half: calls add_weight, defined in part_a.c. In a late-bound build add_weight is an
 * undefined symbol exactly like a helper, so binding this object alone must either refuse it
 * (no helper has that name) or, with --allow-unresolved, leave it for the linker. */
#include "hb_linux.h"

extern int add_weight(__u32 key, __u32 amount);

SEC("xdp")
int weigh_by_first_byte(struct xdp_md *ctx)
{
	__u8 first;

	if (bpf_xdp_load_bytes(ctx, 0, &first, 1))
		return XDP_ABORTED;
	return add_weight(first, 1) % 2 ? XDP_DROP : XDP_PASS;
}
