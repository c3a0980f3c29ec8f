/* Fuzz seed: several sections and program types, maps, printk with different argument counts,
 * static and global subprograms, a kfunc and a numeric (early-bound) helper call. */
#include "helpers.h"

struct {
	int (*type)[2];		/* BPF_MAP_TYPE_ARRAY */
	int (*max_entries)[4];
	__u32 *key;
	__u64 *value;
} counters SEC(".maps");

/* Early-bound helper: the number is fixed at compile time (a numeric call). */
static long (*const bpf_tail_call_numeric)(void *ctx, void *map, __u32 index) = (void *)12;

static __attribute__((noinline)) __u64 bump(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return *v;
}

__attribute__((noinline)) int global_sub(__u32 key)
{
	__u64 now = bpf_ktime_get_ns();

	return bpf_map_update_elem(&counters, &key, &now, 0) == 0;
}

SEC("xdp")
int xdp_count(void *ctx)
{
	char fmt[] = "seen %llu\n";

	if (bump(0) > 100)
		bpf_trace_printk(fmt, sizeof(fmt), bump(1));
	if ((bpf_get_prandom_u32() & 3) == 0)
		bpf_xdp_adjust_head(ctx, 0);
	return global_sub(2) ? 2 : 1;
}

SEC("tc")
int tc_count(void *skb)
{
	char buf[4];
	char fmt[] = "cpu %u %u\n";

	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	if (bpf_skb_load_bytes(skb, 0, buf, sizeof(buf)) == 0)
		bpf_trace_printk(fmt, sizeof(fmt), bpf_get_smp_processor_id(), buf[0]);
	bpf_map_delete_elem(&counters, &(__u32){3});
	bpf_tail_call_numeric(skb, 0, 0);
	return 0;
}

SEC("socket")
int sock_filter(void *skb)
{
	return bump(3) & 1 ? -1 : 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
