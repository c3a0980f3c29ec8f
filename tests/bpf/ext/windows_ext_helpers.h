/* A made-up eBPF-for-Windows extension in the BPF_HELPER form, for `helper-bind --helpers
 * FILE`: a program type with its own section prefix and helpers numbered from 65536, like
 * every Windows extension, plus one general helper. */
BPF_HELPER(int64_t, hb_ext_general_clock, (void), 9002);

BPF_PROGRAM_TYPE(hb_ext, 4242, BPF_PROG_TYPE_HB_EXT, "hb_ext")
BPF_HELPER(int64_t, hb_ext_emit, (void *ctx, uint64_t value), 65536);
BPF_HELPER(int64_t, hb_ext_emit_pair, (void *ctx, uint64_t first, uint64_t second), 65537);
