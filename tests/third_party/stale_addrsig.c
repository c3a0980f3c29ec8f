/* Early-bound (libbpf's bpf_helper_defs.h: helpers called by number), like the third-party
 * objects: the minimal reproducer for a stale `.llvm_addrsig` entry, which
 * tests/tests/third_party.rs makes by pointing one entry past the end of `.symtab`, as
 * cilium/ebpf's objects have. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&counts, &key);

	if (value)
		__sync_fetch_and_add(value, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
