/* A portable program whose every helper has the same prototype widths on Linux and Windows,
 * so `check` passes and rebinding needs no override. It reads nothing from its context
 * (the XDP context layouts differ) and keeps its results deterministic, so that a build for
 * one platform, rebound for Linux, can be run next to the Linux build in the kernel. */
#include "hb_portable.h"

struct {
	__uint(type, HB_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

struct {
	__uint(type, HB_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} toggles SEC(".maps");

/* Counts runs; toggles the entry run % 4 in a hash map; prints with every arity and returns
 * (bytes printed + run) % 3. */
SEC("xdp")
int count_and_toggle(hb_xdp_ctx *ctx)
{
	__u32 slot = 0, key;
	__u64 *previous = bpf_map_lookup_elem(&runs, &slot);
	__u64 run = previous ? *previous + 1 : 1;
	__u64 printed;

	bpf_map_update_elem(&runs, &slot, &run, 0);
	key = run % 4;
	if (bpf_map_lookup_elem(&toggles, &key))
		bpf_map_delete_elem(&toggles, &key);
	else
		bpf_map_update_elem(&toggles, &key, &run, 0);
	printed = bpf_printk("hb clean");
	printed += bpf_printk("hb clean %llu", run);
	printed += bpf_printk("hb clean %llu %llu", run, run * 2);
	printed += bpf_printk("hb clean %llu %llu %llu", run, run * 2, run * 3);
	return (int)((printed + run) % 3);
}

/* Linux needs it for bpf_trace_printk; Windows ignores the section. */
char _license[] SEC("license") = "GPL";
