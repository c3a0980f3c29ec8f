/* Linux only: skb helpers in tc programs, a kfunc pair, numeric inline-asm call. */
#include "prelude.h"

extern void bpf_rcu_read_lock(void) __attribute__((section(".ksyms")));
extern void bpf_rcu_read_unlock(void) __attribute__((section(".ksyms")));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} bytes_seen SEC(".maps");

SEC("tc") int tc_count(struct __sk_buff *skb)
{
	u32 zero = 0;
	unsigned char first[4] = {};
	bpf_rcu_read_lock();
	long err = bpf_skb_load_bytes(skb, 0, first, sizeof(first));
	bpf_rcu_read_unlock();
	u64 *v = bpf_map_lookup_elem(&bytes_seen, &zero);
	if (v)
		*v += err ? 0 : first[0] + 1;
	PRINTK1("cpu %u", bpf_get_smp_processor_id());
	return 0;
}

SEC("classifier") int tc_numeric(struct __sk_buff *skb)
{
	long r;
	/* A numeric call written by hand, as bpf_tail_call_static does: left alone. */
	asm volatile("call 7; %0 = r0" : "=r"(r) : : "r0", "r1", "r2", "r3", "r4", "r5");
	return r & 1;
}

char LICENSE[] SEC("license") = "GPL";
