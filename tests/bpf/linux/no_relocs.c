/* Helpers only: no maps, no global data, no subprograms, so the early build has no
 * relocation for its code at all (and, built with -g0, no relocation section whatsoever):
 * binding must leave the late build's emptied relocation section consistent, and unbind must
 * create one. */
#include "hb_linux.h"

/* Swaps the two MAC addresses in place and returns the folded checksum of the IPv4 header
 * (0xffff when it is correct), or a negative code. */
SEC("tc")
int swap_macs(struct __sk_buff *skb)
{
	__u8 macs[12], swapped[12];
	__u32 header[5];
	__s64 sum;
	int i;

	if (bpf_skb_load_bytes(skb, 0, macs, sizeof(macs)))
		return -1;
	for (i = 0; i < 6; i++) {
		swapped[i] = macs[i + 6];
		swapped[i + 6] = macs[i];
	}
	if (bpf_skb_store_bytes(skb, 0, swapped, sizeof(swapped), 0))
		return -2;
	if (bpf_skb_load_bytes(skb, 14, header, sizeof(header)))
		return -3;
	sum = bpf_csum_diff(0, 0, header, sizeof(header), 0);
	if (sum < 0)
		return -4;
	sum = (sum & 0xffff) + (sum >> 16);
	return (int)((sum & 0xffff) + (sum >> 16));
}

char _license[] SEC("license") = "GPL";
