/* A program whose helpers all exist on Linux and Windows with the same register-level
 * prototypes: map access, time, random numbers, pid, tail calls and printk of 0..2
 * arguments, in an XDP and a cgroup/connect4 program, with a bpf-to-bpf call. Built for
 * Linux and rebound to Windows it must equal the Windows build of this same source, and the
 * other way round; rebound to Linux it loads in the kernel. */
#include "portable.h"

struct {
	__uint(type, HB_MAP_HASH);
	__uint(max_entries, 64);
	__type(key, hb_u32);
	__type(value, hb_u64);
} counts SEC(".maps");

struct {
	__uint(type, HB_MAP_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, hb_u32);
	__type(value, hb_u32);
} jumps SEC(".maps");

static __noinline hb_u64 bump(hb_u32 key, hb_u64 by)
{
	hb_u64 *v = bpf_map_lookup_elem(&counts, &key);
	hb_u64 n = by;

	if (v)
		n += *v;
	bpf_map_update_elem(&counts, &key, &n, 0);
	return n;
}

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	hb_u32 key = bpf_get_prandom_u32() % 8;
	hb_u64 now = bpf_ktime_get_ns();
	hb_u64 n = bump(key, 1);

	hb_printk("key");
	hb_printk("n %llu", n);
	hb_printk("n %llu at %llu", n, now);
	if (n > 1000)
		bpf_map_delete_elem(&counts, &key);
	bpf_tail_call(ctx, &jumps, key & 3);
	return 1;
}

/* A cgroup/connect4 program: sock_addr on Windows, cgroup sock_addr on Linux, where
 * bpf_get_current_pid_tgid is allowed (in XDP it is not). 1 allows the connection on both. */
SEC("cgroup/connect4")
int record_pid(void *ctx)
{
	hb_u64 pid = bpf_get_current_pid_tgid();

	bump((hb_u32)pid, pid >> 32);
	return 1;
}

char _license[] SEC("license") = "GPL";
