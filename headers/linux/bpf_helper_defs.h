/* This is auto-generated file. See bpf-doc-gen (bpf_doc.py's BPF_HELPER form). */

/* Forward declarations of BPF structs */
struct bpf_fib_lookup;
struct bpf_sk_lookup;
struct bpf_perf_event_data;
struct bpf_perf_event_value;
struct bpf_pidns_info;
struct bpf_redir_neigh;
struct bpf_sock;
struct bpf_sock_addr;
struct bpf_sock_ops;
struct bpf_sock_tuple;
struct bpf_spin_lock;
struct bpf_sysctl;
struct bpf_tcp_sock;
struct bpf_tunnel_key;
struct bpf_xfrm_state;
struct linux_binprm;
struct pt_regs;
struct sk_reuseport_md;
struct sockaddr;
struct tcphdr;
struct seq_file;
struct tcp6_sock;
struct tcp_sock;
struct tcp_timewait_sock;
struct tcp_request_sock;
struct udp6_sock;
struct unix_sock;
struct task_struct;
struct cgroup;
struct __sk_buff;
struct sk_msg_md;
struct xdp_md;
struct path;
struct btf_ptr;
struct inode;
struct socket;
struct file;
struct bpf_timer;
struct mptcp_sock;
struct bpf_dynptr;
struct iphdr;
struct ipv6hdr;

#ifndef __bpf_fastcall
#if __has_attribute(bpf_fastcall)
#define __bpf_fastcall __attribute__((bpf_fastcall))
#else
#define __bpf_fastcall
#endif
#endif

/*
 * Every helper below is declared with BPF_HELPER(return_type, name, args, id).
 *
 * By default a helper binds early: a static function pointer holding its ID, as in
 * the kernel's bpf_helper_defs.h. Define BPF_HELPER_LATE_BINDING before including
 * this file to bind late instead: each helper becomes
 *     extern return_type name args;
 * clang then emits `call -1` with a relocation against the helper's name, and
 * `helper-bind --platform P prog.o` binds it to platform P's ID when the object is
 * packaged or installed. A BPF_HELPER defined before the include overrides both.
 */
#ifndef BPF_HELPER
#ifdef BPF_HELPER_LATE_BINDING
#define BPF_HELPER(return_type, name, args, id) extern return_type name args
#else
#define BPF_HELPER(return_type, name, args, id) static return_type(*name) args = (void *) id
#endif
#endif

BPF_HELPER(void *, bpf_map_lookup_elem, (void *map, const void *key), 1);
BPF_HELPER(long, bpf_map_update_elem, (void *map, const void *key, const void *value, __u64 flags), 2);
BPF_HELPER(long, bpf_map_delete_elem, (void *map, const void *key), 3);
BPF_HELPER(long, bpf_probe_read, (void *dst, __u32 size, const void *unsafe_ptr), 4);
BPF_HELPER(__u64, bpf_ktime_get_ns, (void), 5);
BPF_HELPER(long, bpf_trace_printk, (const char *fmt, __u32 fmt_size, ...), 6);
BPF_HELPER(__u32, bpf_get_prandom_u32, (void), 7);
BPF_HELPER(__bpf_fastcall __u32, bpf_get_smp_processor_id, (void), 8);
BPF_HELPER(long, bpf_skb_store_bytes, (struct __sk_buff *skb, __u32 offset, const void *from, __u32 len, __u64 flags), 9);
BPF_HELPER(long, bpf_l3_csum_replace, (struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 size), 10);
BPF_HELPER(long, bpf_l4_csum_replace, (struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 flags), 11);
BPF_HELPER(long, bpf_tail_call, (void *ctx, void *prog_array_map, __u32 index), 12);
BPF_HELPER(long, bpf_clone_redirect, (struct __sk_buff *skb, __u32 ifindex, __u64 flags), 13);
BPF_HELPER(__u64, bpf_get_current_pid_tgid, (void), 14);
BPF_HELPER(__u64, bpf_get_current_uid_gid, (void), 15);
BPF_HELPER(long, bpf_get_current_comm, (void *buf, __u32 size_of_buf), 16);
BPF_HELPER(__u32, bpf_get_cgroup_classid, (struct __sk_buff *skb), 17);
BPF_HELPER(long, bpf_skb_vlan_push, (struct __sk_buff *skb, __be16 vlan_proto, __u16 vlan_tci), 18);
BPF_HELPER(long, bpf_skb_vlan_pop, (struct __sk_buff *skb), 19);
BPF_HELPER(long, bpf_skb_get_tunnel_key, (struct __sk_buff *skb, struct bpf_tunnel_key *key, __u32 size, __u64 flags), 20);
BPF_HELPER(long, bpf_skb_set_tunnel_key, (struct __sk_buff *skb, struct bpf_tunnel_key *key, __u32 size, __u64 flags), 21);
BPF_HELPER(__u64, bpf_perf_event_read, (void *map, __u64 flags), 22);
BPF_HELPER(long, bpf_redirect, (__u32 ifindex, __u64 flags), 23);
BPF_HELPER(__u32, bpf_get_route_realm, (struct __sk_buff *skb), 24);
BPF_HELPER(long, bpf_perf_event_output, (void *ctx, void *map, __u64 flags, void *data, __u64 size), 25);
BPF_HELPER(long, bpf_skb_load_bytes, (const void *skb, __u32 offset, void *to, __u32 len), 26);
BPF_HELPER(long, bpf_get_stackid, (void *ctx, void *map, __u64 flags), 27);
BPF_HELPER(__s64, bpf_csum_diff, (__be32 *from, __u32 from_size, __be32 *to, __u32 to_size, __wsum seed), 28);
BPF_HELPER(long, bpf_skb_get_tunnel_opt, (struct __sk_buff *skb, void *opt, __u32 size), 29);
BPF_HELPER(long, bpf_skb_set_tunnel_opt, (struct __sk_buff *skb, void *opt, __u32 size), 30);
BPF_HELPER(long, bpf_skb_change_proto, (struct __sk_buff *skb, __be16 proto, __u64 flags), 31);
BPF_HELPER(long, bpf_skb_change_type, (struct __sk_buff *skb, __u32 type), 32);
BPF_HELPER(long, bpf_skb_under_cgroup, (struct __sk_buff *skb, void *map, __u32 index), 33);
BPF_HELPER(__u32, bpf_get_hash_recalc, (struct __sk_buff *skb), 34);
BPF_HELPER(__u64, bpf_get_current_task, (void), 35);
BPF_HELPER(long, bpf_probe_write_user, (void *dst, const void *src, __u32 len), 36);
BPF_HELPER(long, bpf_current_task_under_cgroup, (void *map, __u32 index), 37);
BPF_HELPER(long, bpf_skb_change_tail, (struct __sk_buff *skb, __u32 len, __u64 flags), 38);
BPF_HELPER(long, bpf_skb_pull_data, (struct __sk_buff *skb, __u32 len), 39);
BPF_HELPER(__s64, bpf_csum_update, (struct __sk_buff *skb, __wsum csum), 40);
BPF_HELPER(void, bpf_set_hash_invalid, (struct __sk_buff *skb), 41);
BPF_HELPER(long, bpf_get_numa_node_id, (void), 42);
BPF_HELPER(long, bpf_skb_change_head, (struct __sk_buff *skb, __u32 len, __u64 flags), 43);
BPF_HELPER(long, bpf_xdp_adjust_head, (struct xdp_md *xdp_md, int delta), 44);
BPF_HELPER(long, bpf_probe_read_str, (void *dst, __u32 size, const void *unsafe_ptr), 45);
BPF_HELPER(__u64, bpf_get_socket_cookie, (void *ctx), 46);
BPF_HELPER(__u32, bpf_get_socket_uid, (struct __sk_buff *skb), 47);
BPF_HELPER(long, bpf_set_hash, (struct __sk_buff *skb, __u32 hash), 48);
BPF_HELPER(long, bpf_setsockopt, (void *bpf_socket, int level, int optname, void *optval, int optlen), 49);
BPF_HELPER(long, bpf_skb_adjust_room, (struct __sk_buff *skb, __s32 len_diff, __u32 mode, __u64 flags), 50);
BPF_HELPER(long, bpf_redirect_map, (void *map, __u64 key, __u64 flags), 51);
BPF_HELPER(long, bpf_sk_redirect_map, (struct __sk_buff *skb, void *map, __u32 key, __u64 flags), 52);
BPF_HELPER(long, bpf_sock_map_update, (struct bpf_sock_ops *skops, void *map, void *key, __u64 flags), 53);
BPF_HELPER(long, bpf_xdp_adjust_meta, (struct xdp_md *xdp_md, int delta), 54);
BPF_HELPER(long, bpf_perf_event_read_value, (void *map, __u64 flags, struct bpf_perf_event_value *buf, __u32 buf_size), 55);
BPF_HELPER(long, bpf_perf_prog_read_value, (struct bpf_perf_event_data *ctx, struct bpf_perf_event_value *buf, __u32 buf_size), 56);
BPF_HELPER(long, bpf_getsockopt, (void *bpf_socket, int level, int optname, void *optval, int optlen), 57);
BPF_HELPER(long, bpf_override_return, (struct pt_regs *regs, __u64 rc), 58);
BPF_HELPER(long, bpf_sock_ops_cb_flags_set, (struct bpf_sock_ops *bpf_sock, int argval), 59);
BPF_HELPER(long, bpf_msg_redirect_map, (struct sk_msg_md *msg, void *map, __u32 key, __u64 flags), 60);
BPF_HELPER(long, bpf_msg_apply_bytes, (struct sk_msg_md *msg, __u32 bytes), 61);
BPF_HELPER(long, bpf_msg_cork_bytes, (struct sk_msg_md *msg, __u32 bytes), 62);
BPF_HELPER(long, bpf_msg_pull_data, (struct sk_msg_md *msg, __u32 start, __u32 end, __u64 flags), 63);
BPF_HELPER(long, bpf_bind, (struct bpf_sock_addr *ctx, struct sockaddr *addr, int addr_len), 64);
BPF_HELPER(long, bpf_xdp_adjust_tail, (struct xdp_md *xdp_md, int delta), 65);
BPF_HELPER(long, bpf_skb_get_xfrm_state, (struct __sk_buff *skb, __u32 index, struct bpf_xfrm_state *xfrm_state, __u32 size, __u64 flags), 66);
BPF_HELPER(long, bpf_get_stack, (void *ctx, void *buf, __u32 size, __u64 flags), 67);
BPF_HELPER(long, bpf_skb_load_bytes_relative, (const void *skb, __u32 offset, void *to, __u32 len, __u32 start_header), 68);
BPF_HELPER(long, bpf_fib_lookup, (void *ctx, struct bpf_fib_lookup *params, int plen, __u32 flags), 69);
BPF_HELPER(long, bpf_sock_hash_update, (struct bpf_sock_ops *skops, void *map, void *key, __u64 flags), 70);
BPF_HELPER(long, bpf_msg_redirect_hash, (struct sk_msg_md *msg, void *map, void *key, __u64 flags), 71);
BPF_HELPER(long, bpf_sk_redirect_hash, (struct __sk_buff *skb, void *map, void *key, __u64 flags), 72);
BPF_HELPER(long, bpf_lwt_push_encap, (struct __sk_buff *skb, __u32 type, void *hdr, __u32 len), 73);
BPF_HELPER(long, bpf_lwt_seg6_store_bytes, (struct __sk_buff *skb, __u32 offset, const void *from, __u32 len), 74);
BPF_HELPER(long, bpf_lwt_seg6_adjust_srh, (struct __sk_buff *skb, __u32 offset, __s32 delta), 75);
BPF_HELPER(long, bpf_lwt_seg6_action, (struct __sk_buff *skb, __u32 action, void *param, __u32 param_len), 76);
BPF_HELPER(long, bpf_rc_repeat, (void *ctx), 77);
BPF_HELPER(long, bpf_rc_keydown, (void *ctx, __u32 protocol, __u64 scancode, __u32 toggle), 78);
BPF_HELPER(__u64, bpf_skb_cgroup_id, (struct __sk_buff *skb), 79);
BPF_HELPER(__u64, bpf_get_current_cgroup_id, (void), 80);
BPF_HELPER(void *, bpf_get_local_storage, (void *map, __u64 flags), 81);
BPF_HELPER(long, bpf_sk_select_reuseport, (struct sk_reuseport_md *reuse, void *map, void *key, __u64 flags), 82);
BPF_HELPER(__u64, bpf_skb_ancestor_cgroup_id, (struct __sk_buff *skb, int ancestor_level), 83);
BPF_HELPER(struct bpf_sock *, bpf_sk_lookup_tcp, (void *ctx, struct bpf_sock_tuple *tuple, __u32 tuple_size, __u64 netns, __u64 flags), 84);
BPF_HELPER(struct bpf_sock *, bpf_sk_lookup_udp, (void *ctx, struct bpf_sock_tuple *tuple, __u32 tuple_size, __u64 netns, __u64 flags), 85);
BPF_HELPER(long, bpf_sk_release, (void *sock), 86);
BPF_HELPER(long, bpf_map_push_elem, (void *map, const void *value, __u64 flags), 87);
BPF_HELPER(long, bpf_map_pop_elem, (void *map, void *value), 88);
BPF_HELPER(long, bpf_map_peek_elem, (void *map, void *value), 89);
BPF_HELPER(long, bpf_msg_push_data, (struct sk_msg_md *msg, __u32 start, __u32 len, __u64 flags), 90);
BPF_HELPER(long, bpf_msg_pop_data, (struct sk_msg_md *msg, __u32 start, __u32 len, __u64 flags), 91);
BPF_HELPER(long, bpf_rc_pointer_rel, (void *ctx, __s32 rel_x, __s32 rel_y), 92);
BPF_HELPER(long, bpf_spin_lock, (struct bpf_spin_lock *lock), 93);
BPF_HELPER(long, bpf_spin_unlock, (struct bpf_spin_lock *lock), 94);
BPF_HELPER(struct bpf_sock *, bpf_sk_fullsock, (struct bpf_sock *sk), 95);
BPF_HELPER(struct bpf_tcp_sock *, bpf_tcp_sock, (struct bpf_sock *sk), 96);
BPF_HELPER(long, bpf_skb_ecn_set_ce, (struct __sk_buff *skb), 97);
BPF_HELPER(struct bpf_sock *, bpf_get_listener_sock, (struct bpf_sock *sk), 98);
BPF_HELPER(struct bpf_sock *, bpf_skc_lookup_tcp, (void *ctx, struct bpf_sock_tuple *tuple, __u32 tuple_size, __u64 netns, __u64 flags), 99);
BPF_HELPER(long, bpf_tcp_check_syncookie, (void *sk, void *iph, __u32 iph_len, struct tcphdr *th, __u32 th_len), 100);
BPF_HELPER(long, bpf_sysctl_get_name, (struct bpf_sysctl *ctx, char *buf, unsigned long buf_len, __u64 flags), 101);
BPF_HELPER(long, bpf_sysctl_get_current_value, (struct bpf_sysctl *ctx, char *buf, unsigned long buf_len), 102);
BPF_HELPER(long, bpf_sysctl_get_new_value, (struct bpf_sysctl *ctx, char *buf, unsigned long buf_len), 103);
BPF_HELPER(long, bpf_sysctl_set_new_value, (struct bpf_sysctl *ctx, const char *buf, unsigned long buf_len), 104);
BPF_HELPER(long, bpf_strtol, (const char *buf, unsigned long buf_len, __u64 flags, long *res), 105);
BPF_HELPER(long, bpf_strtoul, (const char *buf, unsigned long buf_len, __u64 flags, unsigned long *res), 106);
BPF_HELPER(void *, bpf_sk_storage_get, (void *map, void *sk, void *value, __u64 flags), 107);
BPF_HELPER(long, bpf_sk_storage_delete, (void *map, void *sk), 108);
BPF_HELPER(long, bpf_send_signal, (__u32 sig), 109);
BPF_HELPER(__s64, bpf_tcp_gen_syncookie, (void *sk, void *iph, __u32 iph_len, struct tcphdr *th, __u32 th_len), 110);
BPF_HELPER(long, bpf_skb_output, (void *ctx, void *map, __u64 flags, void *data, __u64 size), 111);
BPF_HELPER(long, bpf_probe_read_user, (void *dst, __u32 size, const void *unsafe_ptr), 112);
BPF_HELPER(long, bpf_probe_read_kernel, (void *dst, __u32 size, const void *unsafe_ptr), 113);
BPF_HELPER(long, bpf_probe_read_user_str, (void *dst, __u32 size, const void *unsafe_ptr), 114);
BPF_HELPER(long, bpf_probe_read_kernel_str, (void *dst, __u32 size, const void *unsafe_ptr), 115);
BPF_HELPER(long, bpf_tcp_send_ack, (void *tp, __u32 rcv_nxt), 116);
BPF_HELPER(long, bpf_send_signal_thread, (__u32 sig), 117);
BPF_HELPER(__u64, bpf_jiffies64, (void), 118);
BPF_HELPER(long, bpf_read_branch_records, (struct bpf_perf_event_data *ctx, void *buf, __u32 size, __u64 flags), 119);
BPF_HELPER(long, bpf_get_ns_current_pid_tgid, (__u64 dev, __u64 ino, struct bpf_pidns_info *nsdata, __u32 size), 120);
BPF_HELPER(long, bpf_xdp_output, (void *ctx, void *map, __u64 flags, void *data, __u64 size), 121);
BPF_HELPER(__u64, bpf_get_netns_cookie, (void *ctx), 122);
BPF_HELPER(__u64, bpf_get_current_ancestor_cgroup_id, (int ancestor_level), 123);
BPF_HELPER(long, bpf_sk_assign, (void *ctx, void *sk, __u64 flags), 124);
BPF_HELPER(__u64, bpf_ktime_get_boot_ns, (void), 125);
BPF_HELPER(long, bpf_seq_printf, (struct seq_file *m, const char *fmt, __u32 fmt_size, const void *data, __u32 data_len), 126);
BPF_HELPER(long, bpf_seq_write, (struct seq_file *m, const void *data, __u32 len), 127);
BPF_HELPER(__u64, bpf_sk_cgroup_id, (void *sk), 128);
BPF_HELPER(__u64, bpf_sk_ancestor_cgroup_id, (void *sk, int ancestor_level), 129);
BPF_HELPER(long, bpf_ringbuf_output, (void *ringbuf, void *data, __u64 size, __u64 flags), 130);
BPF_HELPER(void *, bpf_ringbuf_reserve, (void *ringbuf, __u64 size, __u64 flags), 131);
BPF_HELPER(void, bpf_ringbuf_submit, (void *data, __u64 flags), 132);
BPF_HELPER(void, bpf_ringbuf_discard, (void *data, __u64 flags), 133);
BPF_HELPER(__u64, bpf_ringbuf_query, (void *ringbuf, __u64 flags), 134);
BPF_HELPER(long, bpf_csum_level, (struct __sk_buff *skb, __u64 level), 135);
BPF_HELPER(struct tcp6_sock *, bpf_skc_to_tcp6_sock, (void *sk), 136);
BPF_HELPER(struct tcp_sock *, bpf_skc_to_tcp_sock, (void *sk), 137);
BPF_HELPER(struct tcp_timewait_sock *, bpf_skc_to_tcp_timewait_sock, (void *sk), 138);
BPF_HELPER(struct tcp_request_sock *, bpf_skc_to_tcp_request_sock, (void *sk), 139);
BPF_HELPER(struct udp6_sock *, bpf_skc_to_udp6_sock, (void *sk), 140);
BPF_HELPER(long, bpf_get_task_stack, (struct task_struct *task, void *buf, __u32 size, __u64 flags), 141);
BPF_HELPER(long, bpf_load_hdr_opt, (struct bpf_sock_ops *skops, void *searchby_res, __u32 len, __u64 flags), 142);
BPF_HELPER(long, bpf_store_hdr_opt, (struct bpf_sock_ops *skops, const void *from, __u32 len, __u64 flags), 143);
BPF_HELPER(long, bpf_reserve_hdr_opt, (struct bpf_sock_ops *skops, __u32 len, __u64 flags), 144);
BPF_HELPER(void *, bpf_inode_storage_get, (void *map, void *inode, void *value, __u64 flags), 145);
BPF_HELPER(int, bpf_inode_storage_delete, (void *map, void *inode), 146);
BPF_HELPER(long, bpf_d_path, (const struct path *path, char *buf, __u32 sz), 147);
BPF_HELPER(long, bpf_copy_from_user, (void *dst, __u32 size, const void *user_ptr), 148);
BPF_HELPER(long, bpf_snprintf_btf, (char *str, __u32 str_size, struct btf_ptr *ptr, __u32 btf_ptr_size, __u64 flags), 149);
BPF_HELPER(long, bpf_seq_printf_btf, (struct seq_file *m, struct btf_ptr *ptr, __u32 ptr_size, __u64 flags), 150);
BPF_HELPER(__u64, bpf_skb_cgroup_classid, (struct __sk_buff *skb), 151);
BPF_HELPER(long, bpf_redirect_neigh, (__u32 ifindex, struct bpf_redir_neigh *params, int plen, __u64 flags), 152);
BPF_HELPER(void *, bpf_per_cpu_ptr, (const void *percpu_ptr, __u32 cpu), 153);
BPF_HELPER(void *, bpf_this_cpu_ptr, (const void *percpu_ptr), 154);
BPF_HELPER(long, bpf_redirect_peer, (__u32 ifindex, __u64 flags), 155);
BPF_HELPER(void *, bpf_task_storage_get, (void *map, struct task_struct *task, void *value, __u64 flags), 156);
BPF_HELPER(long, bpf_task_storage_delete, (void *map, struct task_struct *task), 157);
BPF_HELPER(struct task_struct *, bpf_get_current_task_btf, (void), 158);
BPF_HELPER(long, bpf_bprm_opts_set, (struct linux_binprm *bprm, __u64 flags), 159);
BPF_HELPER(__u64, bpf_ktime_get_coarse_ns, (void), 160);
BPF_HELPER(long, bpf_ima_inode_hash, (struct inode *inode, void *dst, __u32 size), 161);
BPF_HELPER(struct socket *, bpf_sock_from_file, (struct file *file), 162);
BPF_HELPER(long, bpf_check_mtu, (void *ctx, __u32 ifindex, __u32 *mtu_len, __s32 len_diff, __u64 flags), 163);
BPF_HELPER(long, bpf_for_each_map_elem, (void *map, void *callback_fn, void *callback_ctx, __u64 flags), 164);
BPF_HELPER(long, bpf_snprintf, (char *str, __u32 str_size, const char *fmt, __u64 *data, __u32 data_len), 165);
BPF_HELPER(long, bpf_sys_bpf, (__u32 cmd, void *attr, __u32 attr_size), 166);
BPF_HELPER(long, bpf_btf_find_by_name_kind, (char *name, int name_sz, __u32 kind, int flags), 167);
BPF_HELPER(long, bpf_sys_close, (__u32 fd), 168);
BPF_HELPER(long, bpf_timer_init, (struct bpf_timer *timer, void *map, __u64 flags), 169);
BPF_HELPER(long, bpf_timer_set_callback, (struct bpf_timer *timer, void *callback_fn), 170);
BPF_HELPER(long, bpf_timer_start, (struct bpf_timer *timer, __u64 nsecs, __u64 flags), 171);
BPF_HELPER(long, bpf_timer_cancel, (struct bpf_timer *timer), 172);
BPF_HELPER(__u64, bpf_get_func_ip, (void *ctx), 173);
BPF_HELPER(__u64, bpf_get_attach_cookie, (void *ctx), 174);
BPF_HELPER(long, bpf_task_pt_regs, (struct task_struct *task), 175);
BPF_HELPER(long, bpf_get_branch_snapshot, (void *entries, __u32 size, __u64 flags), 176);
BPF_HELPER(long, bpf_trace_vprintk, (const char *fmt, __u32 fmt_size, const void *data, __u32 data_len), 177);
BPF_HELPER(struct unix_sock *, bpf_skc_to_unix_sock, (void *sk), 178);
BPF_HELPER(long, bpf_kallsyms_lookup_name, (const char *name, int name_sz, int flags, __u64 *res), 179);
BPF_HELPER(long, bpf_find_vma, (struct task_struct *task, __u64 addr, void *callback_fn, void *callback_ctx, __u64 flags), 180);
BPF_HELPER(long, bpf_loop, (__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags), 181);
BPF_HELPER(long, bpf_strncmp, (const char *s1, __u32 s1_sz, const char *s2), 182);
BPF_HELPER(long, bpf_get_func_arg, (void *ctx, __u32 n, __u64 *value), 183);
BPF_HELPER(long, bpf_get_func_ret, (void *ctx, __u64 *value), 184);
BPF_HELPER(long, bpf_get_func_arg_cnt, (void *ctx), 185);
BPF_HELPER(int, bpf_get_retval, (void), 186);
BPF_HELPER(int, bpf_set_retval, (int retval), 187);
BPF_HELPER(__u64, bpf_xdp_get_buff_len, (struct xdp_md *xdp_md), 188);
BPF_HELPER(long, bpf_xdp_load_bytes, (struct xdp_md *xdp_md, __u32 offset, void *buf, __u32 len), 189);
BPF_HELPER(long, bpf_xdp_store_bytes, (struct xdp_md *xdp_md, __u32 offset, void *buf, __u32 len), 190);
BPF_HELPER(long, bpf_copy_from_user_task, (void *dst, __u32 size, const void *user_ptr, struct task_struct *tsk, __u64 flags), 191);
BPF_HELPER(long, bpf_skb_set_tstamp, (struct __sk_buff *skb, __u64 tstamp, __u32 tstamp_type), 192);
BPF_HELPER(long, bpf_ima_file_hash, (struct file *file, void *dst, __u32 size), 193);
BPF_HELPER(void *, bpf_kptr_xchg, (void *dst, void *ptr), 194);
BPF_HELPER(void *, bpf_map_lookup_percpu_elem, (void *map, const void *key, __u32 cpu), 195);
BPF_HELPER(struct mptcp_sock *, bpf_skc_to_mptcp_sock, (void *sk), 196);
BPF_HELPER(long, bpf_dynptr_from_mem, (void *data, __u64 size, __u64 flags, struct bpf_dynptr *ptr), 197);
BPF_HELPER(long, bpf_ringbuf_reserve_dynptr, (void *ringbuf, __u32 size, __u64 flags, struct bpf_dynptr *ptr), 198);
BPF_HELPER(void, bpf_ringbuf_submit_dynptr, (struct bpf_dynptr *ptr, __u64 flags), 199);
BPF_HELPER(void, bpf_ringbuf_discard_dynptr, (struct bpf_dynptr *ptr, __u64 flags), 200);
BPF_HELPER(long, bpf_dynptr_read, (void *dst, __u64 len, const struct bpf_dynptr *src, __u64 offset, __u64 flags), 201);
BPF_HELPER(long, bpf_dynptr_write, (const struct bpf_dynptr *dst, __u64 offset, void *src, __u64 len, __u64 flags), 202);
BPF_HELPER(void *, bpf_dynptr_data, (const struct bpf_dynptr *ptr, __u64 offset, __u64 len), 203);
BPF_HELPER(__s64, bpf_tcp_raw_gen_syncookie_ipv4, (struct iphdr *iph, struct tcphdr *th, __u32 th_len), 204);
BPF_HELPER(__s64, bpf_tcp_raw_gen_syncookie_ipv6, (struct ipv6hdr *iph, struct tcphdr *th, __u32 th_len), 205);
BPF_HELPER(long, bpf_tcp_raw_check_syncookie_ipv4, (struct iphdr *iph, struct tcphdr *th), 206);
BPF_HELPER(long, bpf_tcp_raw_check_syncookie_ipv6, (struct ipv6hdr *iph, struct tcphdr *th), 207);
BPF_HELPER(__u64, bpf_ktime_get_tai_ns, (void), 208);
BPF_HELPER(long, bpf_user_ringbuf_drain, (void *map, void *callback_fn, void *ctx, __u64 flags), 209);
BPF_HELPER(void *, bpf_cgrp_storage_get, (void *map, struct cgroup *cgroup, void *value, __u64 flags), 210);
BPF_HELPER(long, bpf_cgrp_storage_delete, (void *map, struct cgroup *cgroup), 211);

