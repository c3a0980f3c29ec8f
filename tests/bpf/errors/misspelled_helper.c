/* A late-bound program calling a helper name no platform knows (one letter off
 * bpf_map_lookup_elem). Binding must refuse it, name it and suggest the real helper. */
#include "hb_linux.h"

extern void *bpf_map_lookup_elm(void *map, const void *key);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

SEC("tc")
int misspelled(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elm(&values, &key);

	return value ? 1 : 0;
}

char _license[] SEC("license") = "GPL";
