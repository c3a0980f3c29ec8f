/* An eBPF-for-Windows program (built early-bound with the Windows header) checked and
 * rebound against Linux: a Windows-only helper (bpf_get_current_logon_id), printk through
 * the fixed-arity bpf_trace_printk3, the XDP program-type helper bpf_xdp_adjust_head (ID
 * 65536 only in xdp sections; `int` on Windows, `long` on Linux) and general helpers. */
#include "portable.h"

SEC("xdp")
int windows_xdp(struct xdp_md *ctx)
{
	hb_u64 logon = bpf_get_current_logon_id(ctx);

	hb_printk("logon %llu", logon);
	if (bpf_xdp_adjust_head(ctx, 14))
		return 2;
	return bpf_ktime_get_ns() & 1 ? 1 : 2;
}

SEC("bind")
int windows_bind(void *ctx)
{
	return bpf_get_current_pid_tgid() & 1;
}

char _license[] SEC("license") = "GPL";
