/* Annotations shared by the test programs, written for this project.
 *
 * libbpf's <bpf/bpf_helpers.h> is deliberately not used: it includes libbpf's own
 * bpf_helper_defs.h, which binds every helper early, so a late-bound build would silently
 * get numeric calls. These few macros are all the programs need.
 */
#ifndef HB_COMMON_H
#define HB_COMMON_H

/* Place a program, map or license in the ELF section the loader looks for. */
#define SEC(name) __attribute__((section(name), used))

/* BTF-defined map attributes: the loader reads these from the type, not the value. */
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name

/* Keep a subprogram a real bpf-to-bpf call instead of letting clang inline it. */
#define __noinline __attribute__((noinline))
#undef __always_inline /* linux/stddef.h spells it without the attribute */
#define __always_inline inline __attribute__((always_inline))

/* A kernel function (kfunc): clang lists these in the BTF `.ksyms` DATASEC. */
#define __ksym __attribute__((section(".ksyms")))

/* Number of arguments of a printk-style call, counting the format: 1..4. The value is
 * spelled as the Windows fixed-arity helper suffix (fmt + fmt_size + args). */
#define HB_PRINTK_SUFFIX(...) HB_PRINTK_SUFFIX_(__VA_ARGS__, 5, 4, 3, 2, 0)
#define HB_PRINTK_SUFFIX_(a, b, c, d, n, ...) n
#define HB_CAT(a, b) HB_CAT_(a, b)
#define HB_CAT_(a, b) a##b

/* Network byte order for constants, correct for both -target bpf and -target bpfeb. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define hb_htons(x) __builtin_bswap16(x)
#else
#define hb_htons(x) (x)
#endif

#endif
