/* Prelude of the portability test programs, written for this project.
 *
 * The same source builds for Linux (default) or eBPF for Windows (-DHB_WINDOWS) against the
 * project's generated headers/<platform>/bpf_helper_defs.h (-I that directory): early-bound
 * by default, late-bound (extern helpers) with -DBPF_HELPER_LATE_BINDING.
 */
#ifndef HB_PORTABLE_H
#define HB_PORTABLE_H

#ifdef HB_WINDOWS
#include <stddef.h>
#include <stdint.h>
typedef uint8_t hb_u8;
typedef uint32_t hb_u32;
typedef uint64_t hb_u64;
struct xdp_md {
	void *data;
	void *data_end;
	uint64_t data_meta;
	uint32_t ingress_ifindex;
};
#else
#include <linux/types.h>
#include <linux/bpf.h>
typedef __u8 hb_u8;
typedef __u32 hb_u32;
typedef __u64 hb_u64;
#endif

#include "bpf_helper_defs.h"

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
#define __noinline __attribute__((noinline))
#define __ksym __attribute__((section(".ksyms")))

/* Map types with the same number on both platforms. */
enum { HB_MAP_HASH = 1, HB_MAP_ARRAY = 2, HB_MAP_PROG_ARRAY = 3 };

/* printk with the format in .rodata. Linux has one variadic bpf_trace_printk (ID 6); Windows
 * has bpf_trace_printk2..5 by total argument count. Late-bound, both call the variadic name
 * and helper-bind picks the Windows helper by argument count. Arguments must be 64-bit so
 * the variadic and the fixed-arity calls compile to the same code. */
#if defined(HB_WINDOWS) && !defined(BPF_HELPER_LATE_BINDING)
#define HB_PRINTK_SUFFIX(...) HB_PRINTK_SUFFIX_(__VA_ARGS__, 5, 4, 3, 2, 0)
#define HB_PRINTK_SUFFIX_(a, b, c, d, n, ...) n
#define HB_CAT(a, b) HB_CAT_(a, b)
#define HB_CAT_(a, b) a##b
#define hb_printk(fmt, ...)                                                               \
	({                                                                                \
		static const char hb_fmt[] = fmt;                                         \
		HB_CAT(bpf_trace_printk, HB_PRINTK_SUFFIX(fmt, ##__VA_ARGS__))(           \
			hb_fmt, sizeof(hb_fmt), ##__VA_ARGS__);                           \
	})
#else
#ifdef HB_WINDOWS
extern long bpf_trace_printk(const char *fmt, uint32_t fmt_size, ...);
#endif
#define hb_printk(fmt, ...)                                                               \
	({                                                                                \
		static const char hb_fmt[] = fmt;                                         \
		bpf_trace_printk(hb_fmt, sizeof(hb_fmt), ##__VA_ARGS__);                  \
	})
#endif

#endif
