/* Maps, printk with 0..3 arguments, static and global subprograms, two program sections.
 * Builds for Linux and Windows. */
#include "prelude.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} seen SEC(".maps");

static __attribute__((noinline)) u64 bump(u32 slot, u64 by)
{
	u64 *v = bpf_map_lookup_elem(&counters, &slot);
	if (!v)
		return 0;
	*v += by;
	return *v;
}

__attribute__((noinline)) int classify_len(int len)
{
	if (len > 1000)
		PRINTK1("big packet %d", len);
	return len > 64 ? 1 : 0;
}

SEC("xdp") int count_packets(void *ctx)
{
	u32 key = 1;
	u64 now = bpf_ktime_get_ns();
	u64 total = bump(0, 1);
	bpf_map_update_elem(&seen, &key, &now, 0);
	if (total == 1)
		PRINTK0("first packet");
	if (total > 5)
		PRINTK2("total %llu at %llu", total, now);
	if (total > 10)
		PRINTK3("%llu %llu %u", total, now, key);
	return 2 + classify_len((int)(total & 0xfff)) - 1;
}

SEC("xdp.frags") int second(void *ctx)
{
	u32 r = bpf_get_prandom_u32();
	bump(2, r & 1);
	bpf_map_delete_elem(&seen, &r);
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
