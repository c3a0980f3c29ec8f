/* Calls the extension helpers of windows_ext_helpers.h from their program type's section
 * (matched by prefix), next to general Windows helpers. */
#include "hb_windows.h"
#include "ext/windows_ext_helpers.h"

SEC("hb_ext/first")
int emit_values(void *ctx)
{
	uint64_t now = (uint64_t)hb_ext_general_clock();

	hb_ext_emit(ctx, now);
	return (int)hb_ext_emit_pair(ctx, now, bpf_get_prandom_u32());
}
