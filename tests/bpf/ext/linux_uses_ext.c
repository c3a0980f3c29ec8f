/* Calls the extension helper of linux_ext_helpers.h next to ordinary helpers. */
#include "hb_linux.h"
#include "ext/linux_ext_helpers.h"

SEC("tc")
int count_with_extension(struct __sk_buff *skb)
{
	return hb_ext_count(skb, skb->len) + bpf_get_prandom_u32() % 2;
}

char _license[] SEC("license") = "GPL";
