/* Windows: bpf_xdp_adjust_head belongs to the xdp program type (ID 65536 there), but the
 * section "bind" selects the bind program type, where 65536 means nothing. Binding must
 * refuse it, naming the section and the program type the helper needs. */
#include "hb_windows.h"

SEC("bind")
int adjusts_in_bind(void *ctx)
{
	return bpf_xdp_adjust_head((xdp_md_t *)ctx, 0);
}
