/* Calls bpf_cgrp_storage_get (ID 210), which Linux 6.2 added: with the 6.1 UAPI header as
 * the ID source (`--uapi`), binding must refuse it; with a newer header it binds. */
#include "hb_linux.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unused SEC(".maps");

SEC("tc")
int newer_helper(struct __sk_buff *skb)
{
	return bpf_cgrp_storage_get(&unused, 0, 0, 0) ? 1 : 0;
}

char _license[] SEC("license") = "GPL";
