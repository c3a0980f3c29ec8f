/* Windows socket hooks: bind, sock_addr (cgroup/connect4 and a longer cgroup/connect6
 * section) and sockops, each with general helpers and its program type's own helpers. */
#include "hb_windows.h"

struct {
	__uint(type, HB_MAP_HASH);
	__uint(max_entries, 64);
	__type(key, uint64_t);
	__type(value, uint64_t);
} seen SEC(".maps");

struct {
	__uint(type, HB_MAP_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

static __noinline void remember(uint64_t key, uint64_t value)
{
	bpf_map_update_elem(&seen, &key, &value, 0);
}

SEC("bind")
int bind_policy(void *ctx)
{
	uint64_t pid_tgid = bpf_get_current_pid_tgid();
	uint64_t now = bpf_ktime_get_ns();

	remember(pid_tgid, now);
	if (bpf_is_current_admin(ctx))
		return 0;
	bpf_printk("hb bind %llu", pid_tgid);
	return bpf_map_lookup_elem(&seen, &pid_tgid) ? 0 : 1;
}

SEC("cgroup/connect4")
int connect_redirect(bpf_sock_addr_t *ctx)
{
	char context[16] = "hb-redirect";
	uint64_t cookie = (uint64_t)bpf_get_socket_cookie(ctx);

	remember(cookie, bpf_ktime_get_boot_ns());
	if (bpf_sock_addr_set_redirect_context(ctx, context, sizeof(context)) < 0)
		return 0;
	return 1;
}

SEC("cgroup/connect6/extra")
int connect_network_context(bpf_sock_addr_t *ctx)
{
	uint64_t network[2] = {0, 0};

	if (bpf_sock_addr_get_network_context(ctx, network, sizeof(network)) < 0)
		return 0;
	bpf_printk("hb connect6 %llu %llu", network[0], network[1]);
	return 1;
}

SEC("sockops")
int sockops_flow(bpf_sock_ops_t *ctx)
{
	uint64_t flow = bpf_sock_ops_get_flow_id(ctx);
	uint32_t words[2] = {(uint32_t)flow, (uint32_t)(flow >> 32)};
	int sum = bpf_csum_diff(0, 0, words, sizeof(words), 0);

	bpf_ringbuf_output(&events, &flow, sizeof(flow), 0);
	bpf_printk("hb sockops %llu %llu %llu", flow, (uint64_t)sum, bpf_get_smp_processor_id());
	return 0;
}

/* No registered prefix matches: general helpers only. */
SEC("hb_unregistered")
int general_only(void *ctx)
{
	char dest[8];

	bpf_strncpy_s(dest, sizeof(dest), "hb", 2);
	return (int)bpf_strnlen_s(dest, sizeof(dest)) + (int)bpf_ktime_get_ms();
}
