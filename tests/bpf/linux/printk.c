/* bpf_trace_printk with every argument count it takes, through bpf_printk (format in
 * .rodata) and directly (format on the stack). The return value sums the bytes written. */
#include "hb_linux.h"

SEC("tc")
int printk_arities(struct __sk_buff *skb)
{
	char stack_fmt[] = "hb stack %u\n";
	long written = 0;

	written += bpf_printk("hb none\n");
	written += bpf_printk("hb len %u\n", skb->len);
	written += bpf_printk("hb len %u proto %x\n", skb->len, skb->protocol);
	written += bpf_printk("hb len %u proto %x mark %u\n", skb->len, skb->protocol, skb->mark);
	written += bpf_trace_printk(stack_fmt, sizeof(stack_fmt), skb->len);
	return written;
}

SEC("xdp")
int printk_xdp(struct xdp_md *ctx)
{
	long written = bpf_printk("hb xdp %u\n", ctx->data_end - ctx->data);

	return written > 0 ? XDP_PASS : XDP_ABORTED;
}

char _license[] SEC("license") = "GPL";
