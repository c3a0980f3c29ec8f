/* A made-up Linux helper extension in the BPF_HELPER form, for `helper-bind --helpers FILE`:
 * one helper with an ID no kernel uses. Programs include it after bpf_helper_defs.h. */
BPF_HELPER(long, hb_ext_count, (void *ctx, __u64 delta), 9001);
