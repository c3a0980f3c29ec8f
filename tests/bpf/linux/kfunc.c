/* kfuncs (`__ksym` externs) next to helpers: clang emits the same `call -1` for both; only
 * the BTF `.ksyms` DATASEC tells them apart, and binding must leave kfunc calls alone. */
#include "hb_linux.h"

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

/* The kernel's open-coded number iterator (its UAPI type, declared here because the
 * installed UAPI headers predate it). */
struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} kfunc_results SEC(".maps");

/* Counts runs in kfunc_results[0] inside an RCU read-side section; returns the new count. */
SEC("tc")
int count_under_rcu(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *count;
	int ret = -1;

	bpf_rcu_read_lock();
	count = bpf_map_lookup_elem(&kfunc_results, &key);
	if (count) {
		*count += 1;
		ret = (int)*count;
	}
	bpf_rcu_read_unlock();
	return ret;
}

/* Sums 0..len%16 with the number iterator, stores it in kfunc_results[1]; passes an even sum. */
SEC("xdp")
int iterate_sum(struct xdp_md *ctx)
{
	struct bpf_iter_num it;
	__u32 key = 1, len = ctx->data_end - ctx->data;
	__u64 sum = 0;
	int *value;

	bpf_iter_num_new(&it, 0, len % 16);
	while ((value = bpf_iter_num_next(&it)))
		sum += *value;
	bpf_iter_num_destroy(&it);
	bpf_map_update_elem(&kfunc_results, &key, &sum, BPF_ANY);
	return sum % 2 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
