/* Map helpers: lookup, update and delete on a hash map and an array map. */
#include "hb_linux.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} packets_by_length SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

/* Counts packets per length in the hash map and adds the length to totals[0]. A length that
 * is a multiple of 10 deletes its entry again and returns 1000; otherwise returns the count. */
SEC("tc")
int count_by_length(struct __sk_buff *skb)
{
	__u32 len = skb->len, slot = 0;
	__u64 one = 1, *count, *total;

	count = bpf_map_lookup_elem(&packets_by_length, &len);
	if (count)
		*count += 1;
	else
		bpf_map_update_elem(&packets_by_length, &len, &one, BPF_NOEXIST);

	total = bpf_map_lookup_elem(&totals, &slot);
	if (total)
		*total += len;

	if (len % 10 == 0) {
		bpf_map_delete_elem(&packets_by_length, &len);
		return 1000;
	}
	count = bpf_map_lookup_elem(&packets_by_length, &len);
	return count ? (int)*count : -1;
}

/* Stores the first packet byte in totals[1] with BPF_ANY and the packet length in totals[2]
 * with BPF_EXIST; passes packets whose first byte is even. */
SEC("xdp")
int remember_first_byte(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 slot_first = 1, slot_len = 2;
	__u64 first, len = (__u64)(data_end - data);

	if (data + 1 > data_end)
		return XDP_ABORTED;
	first = *(__u8 *)data;
	bpf_map_update_elem(&totals, &slot_first, &first, BPF_ANY);
	if (bpf_map_update_elem(&totals, &slot_len, &len, BPF_EXIST))
		return XDP_ABORTED;
	return first % 2 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
