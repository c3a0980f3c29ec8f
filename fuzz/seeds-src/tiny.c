/* Fuzz seed: the smallest late-bound program, one helper call. */
#include "helpers.h"

SEC("xdp")
int tiny(void *ctx)
{
	return bpf_get_prandom_u32() & 1 ? 2 : 1;
}

char LICENSE[] SEC("license") = "GPL";
