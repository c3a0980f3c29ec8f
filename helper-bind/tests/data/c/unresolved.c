/* Calls names no platform knows: a typo of a helper and a function defined nowhere. */
#include "prelude.h"

extern void *bpf_map_lookup_elm(void *map, const void *key);
extern int my_missing_function(int x);

SEC("xdp") int broken(void *ctx)
{
	u32 k = 0;
	void *v = bpf_map_lookup_elm(0, &k);
	return my_missing_function(v != 0) + (int)bpf_ktime_get_ns();
}

char LICENSE[] SEC("license") = "GPL";
