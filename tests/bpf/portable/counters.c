/* One source for both platforms: map helpers, time and random helpers, printk of every
 * arity (one variadic helper on Linux, four fixed-arity ones on Windows) and the xdp helper
 * bpf_xdp_adjust_head, whose Windows ID only the section's program type gives. */
#include "hb_portable.h"

struct {
	__uint(type, HB_MAP_TYPE_HASH);
	__uint(max_entries, 32);
	__type(key, __u64);
	__type(value, __u64);
} by_pid SEC(".maps");

struct {
	__uint(type, HB_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __noinline int bump(__u32 slot, __u64 amount)
{
	__u64 *value = bpf_map_lookup_elem(&stats, &slot);

	if (!value)
		return -1;
	*value += amount;
	return 0;
}

SEC("xdp")
int count_frames(hb_xdp_ctx *ctx)
{
	__u64 pid = bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();
	__u64 one = 1;

	/* The return value is not used: its width differs (long on Linux, int on Windows). */
	bpf_xdp_adjust_head(ctx, 0);
	if (bpf_map_lookup_elem(&by_pid, &pid))
		bpf_map_delete_elem(&by_pid, &pid);
	else
		bpf_map_update_elem(&by_pid, &pid, &one, 0);
	bpf_printk("hb portable");
	bpf_printk("hb portable %llu", pid);
	bpf_printk("hb portable %llu %llu", pid, now);
	bpf_printk("hb portable %llu %llu %llu", pid, now, one);
	return bump(0, now) + bump(1, bpf_get_prandom_u32());
}

SEC("xdp/boot")
int stamp_boot_time(hb_xdp_ctx *ctx)
{
	return bump(2, bpf_ktime_get_boot_ns());
}

/* Linux needs it for bpf_trace_printk; Windows ignores the section. */
char _license[] SEC("license") = "GPL";
