/* Prelude of the eBPF-for-Windows test programs: fixed-width types, our annotations and the
 * project's generated headers/windows/bpf_helper_defs.h (early-bound unless
 * BPF_HELPER_LATE_BINDING). Only the differential suite compiles these; nothing loads them. */
#ifndef HB_WINDOWS_H
#define HB_WINDOWS_H

#include <stddef.h>
#include <stdint.h>
#include "hb_common.h"

/* The XDP context as eBPF for Windows lays it out; the generated header only declares the
 * type, and the programs read the packet bounds. */
struct xdp_md {
	void *data;
	void *data_end;
	uint64_t data_meta;
	uint32_t ingress_ifindex;
};

#include "bpf_helper_defs.h"

/* Windows numbers these differently from Linux. */
enum { HB_XDP_PASS = 1, HB_XDP_DROP = 2, HB_XDP_TX = 3 };
enum { HB_MAP_HASH = 1, HB_MAP_ARRAY = 2, HB_MAP_PROG_ARRAY = 3, HB_MAP_RINGBUF = 9 };

/* bpf_printk(fmt, args...), format on the stack.
 *
 * Early-bound, the argument count picks one of the fixed-arity helpers
 * bpf_trace_printk2..5. Late-bound, a program calls the one variadic name Linux uses and
 * helper-bind picks the helper by argument count. Arguments must be 64-bit: the fixed-arity
 * prototypes convert to uint64_t, a variadic call passes them as they are. */
#ifdef BPF_HELPER_LATE_BINDING
extern long bpf_trace_printk(const char *fmt, uint32_t fmt_size, ...);
#define bpf_printk(fmt, ...)                                                   \
	({                                                                     \
		char hb_fmt[] = fmt;                                           \
		bpf_trace_printk(hb_fmt, sizeof(hb_fmt), ##__VA_ARGS__);       \
	})
#else
#define bpf_printk(fmt, ...)                                                   \
	({                                                                     \
		char hb_fmt[] = fmt;                                           \
		HB_CAT(bpf_trace_printk, HB_PRINTK_SUFFIX(fmt, ##__VA_ARGS__)) \
		(hb_fmt, sizeof(hb_fmt), ##__VA_ARGS__);                       \
	})
#endif

#endif
