/* Socket-buffer helpers from tc: load, store, checksum replace and checksum diff. */
#include "hb_linux.h"
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <stddef.h>

/* Decrements the IPv4 TTL in place and repairs the header checksum with
 * bpf_l3_csum_replace. Returns the old TTL, or a negative code for what it refused. */
SEC("tc")
int decrement_ttl(struct __sk_buff *skb)
{
	__u16 proto;
	__u8 ttl_old, ttl_new;
	__u32 ttl_off = ETH_HLEN + offsetof(struct iphdr, ttl);
	__u32 check_off = ETH_HLEN + offsetof(struct iphdr, check);

	if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)))
		return -1;
	if (proto != hb_htons(ETH_P_IP))
		return -2;
	if (bpf_skb_load_bytes(skb, ttl_off, &ttl_old, 1))
		return -3;
	if (ttl_old <= 1)
		return -4;
	ttl_new = ttl_old - 1;
	/* The checksum covers 16-bit words; TTL is the high byte of the TTL/protocol word. */
	if (bpf_l3_csum_replace(skb, check_off, hb_htons(ttl_old << 8), hb_htons(ttl_new << 8), 2))
		return -5;
	if (bpf_skb_store_bytes(skb, ttl_off, &ttl_new, 1, 0))
		return -6;
	return ttl_old;
}

/* Sums the IPv4 header with bpf_csum_diff over directly accessed packet data (after
 * bpf_skb_pull_data) and returns the folded 16-bit sum: 0xffff for a correct header. */
SEC("tc")
int ipv4_header_sum(struct __sk_buff *skb)
{
	void *data, *data_end;
	__s64 sum;
	__u32 folded;

	if (bpf_skb_pull_data(skb, ETH_HLEN + sizeof(struct iphdr)))
		return -1;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (data + ETH_HLEN + sizeof(struct iphdr) > data_end)
		return -2;
	sum = bpf_csum_diff(0, 0, (__be32 *)(data + ETH_HLEN), sizeof(struct iphdr), 0);
	if (sum < 0)
		return -3;
	folded = (__u32)sum;
	folded = (folded & 0xffff) + (folded >> 16);
	folded = (folded & 0xffff) + (folded >> 16);
	return folded;
}

char _license[] SEC("license") = "GPL";
