/* Legacy `maps` section (struct bpf_map_def), as pre-BTF loaders used it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") packets = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 16,
};

SEC("socket")
int count_packets(struct __sk_buff *skb)
{
	__u32 proto = skb->protocol;
	__u64 one = 1, *v = bpf_map_lookup_elem(&packets, &proto);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&packets, &proto, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
