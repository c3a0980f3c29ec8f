/* Many programs, one section each, each calling a few helpers. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

#define PROG(n)                                                        \
	SEC("xdp/prog" #n)                                             \
	int prog##n(struct xdp_md *ctx)                                \
	{                                                              \
		__u32 k = n;                                           \
		__u64 *v = bpf_map_lookup_elem(&hits, &k);             \
		if (v)                                                 \
			*v += bpf_ktime_get_ns() + (n & 1 ?            \
				bpf_get_prandom_u32() :                \
				bpf_get_smp_processor_id());           \
		return XDP_PASS;                                       \
	}

#define PROG8(n) PROG(n##0) PROG(n##1) PROG(n##2) PROG(n##3) \
		 PROG(n##4) PROG(n##5) PROG(n##6) PROG(n##7)

PROG8(1) PROG8(2) PROG8(3) PROG8(4) PROG8(5)

char LICENSE[] SEC("license") = "GPL";
