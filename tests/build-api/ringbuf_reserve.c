/* Uses the header tests/build.rs generates into OUT_DIR (bpf_doc_gen's library API):
 * a tc program that reserves, fills and submits a ring buffer record. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "bpf_helper_defs.h"

#define SEC(name) __attribute__((section(name), used))

struct {
	int (*type)[BPF_MAP_TYPE_RINGBUF];
	int (*max_entries)[4096];
} events SEC(".maps");

SEC("tc")
int record_len(struct __sk_buff *skb)
{
	__u32 *len = bpf_ringbuf_reserve(&events, sizeof(*len), 0);

	if (!len)
		return TC_ACT_OK;
	*len = skb->len;
	bpf_ringbuf_submit(len, 0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
