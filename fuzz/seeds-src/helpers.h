/* Late-bound helper declarations for the fuzz seed programs: every helper is an undefined
 * extern, so clang emits `call -1` with an R_BPF_64_32 relocation against the helper's name. */
#ifndef FUZZ_SEED_HELPERS_H
#define FUZZ_SEED_HELPERS_H

typedef unsigned int __u32;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))
#define __ksym __attribute__((section(".ksyms")))

#ifdef EARLY_BOUND
/* Early-bound (the classic bpf_helper_defs.h form): Linux helper IDs baked into the code, the
 * input `unbind` works on. */
static void *(*const bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*const bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
static long (*const bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
static __u64 (*const bpf_ktime_get_ns)(void) = (void *)5;
static long (*const bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *)6;
static __u32 (*const bpf_get_prandom_u32)(void) = (void *)7;
static __u32 (*const bpf_get_smp_processor_id)(void) = (void *)8;
static long (*const bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) = (void *)26;
static long (*const bpf_xdp_adjust_head)(void *ctx, int delta) = (void *)44;
#else
extern void *bpf_map_lookup_elem(void *map, const void *key);
extern long bpf_map_update_elem(void *map, const void *key, const void *value, __u64 flags);
extern long bpf_map_delete_elem(void *map, const void *key);
extern __u64 bpf_ktime_get_ns(void);
extern long bpf_trace_printk(const char *fmt, __u32 fmt_size, ...);
extern __u32 bpf_get_prandom_u32(void);
extern __u32 bpf_get_smp_processor_id(void);
extern long bpf_xdp_adjust_head(void *ctx, int delta);
extern long bpf_skb_load_bytes(const void *skb, __u32 offset, void *to, __u32 len);
#endif

/* A kfunc: undefined like a helper, but listed in the BTF `.ksyms` DATASEC. */
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

#endif
