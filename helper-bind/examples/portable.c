/* A portable XDP program: helpers are declared by name only (late binding), so the same object
 * can be bound to Linux or to eBPF for Windows helper IDs when it is packaged.
 *
 * Build: clang-19 -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -Iheaders/linux \
 *          -DBPF_HELPER_LATE_BINDING -c portable.c
 */
#include <linux/types.h>
#include "bpf_helper_defs.h"

#define SEC(name) __attribute__((section(name), used))

/* A BTF-defined array map with one slot per verdict. */
struct {
	int (*type)[2];		/* BPF_MAP_TYPE_ARRAY */
	int (*max_entries)[2];
	__u32 *key;
	__u64 *value;
} verdicts SEC(".maps");

/* Counts packets and lets every packet through; samples one packet in 256 as "seen". */
SEC("xdp")
int count_packets(void *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&verdicts, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	if ((bpf_get_prandom_u32() & 0xff) == 0) {
		__u64 now = bpf_ktime_get_ns();

		key = 1;
		bpf_map_update_elem(&verdicts, &key, &now, 0 /* BPF_ANY */);
	}
	/* XDP_PASS is 2 on Linux but 1 on eBPF for Windows: helper-bind maps helpers, not
	 * verdicts, so a program that ships to both picks its verdict at build time. */
#ifdef TARGET_WINDOWS
	return 1;
#else
	return 2;
#endif
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
