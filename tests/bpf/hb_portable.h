/* Prelude of the portable programs: one source compiled for Linux and for eBPF for Windows
 * (the harness defines HB_PLATFORM_LINUX or HB_PLATFORM_WINDOWS). The programs use only
 * helpers both platforms have with the same argument and return widths, and return plain
 * integers (the XDP action codes differ between the platforms). */
#ifndef HB_PORTABLE_H
#define HB_PORTABLE_H

#if defined(HB_PLATFORM_WINDOWS)
#include "hb_windows.h"
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef xdp_md_t hb_xdp_ctx;
#define HB_MAP_TYPE_HASH HB_MAP_HASH
#define HB_MAP_TYPE_ARRAY HB_MAP_ARRAY
#elif defined(HB_PLATFORM_LINUX)
#include "hb_linux.h"
typedef struct xdp_md hb_xdp_ctx;
#define HB_MAP_TYPE_HASH BPF_MAP_TYPE_HASH
#define HB_MAP_TYPE_ARRAY BPF_MAP_TYPE_ARRAY
/* The format on the stack, as hb_windows.h does it, so both builds have the same code. */
#undef bpf_printk
#define bpf_printk(fmt, ...)                                                   \
	({                                                                     \
		char hb_fmt[] = fmt;                                           \
		bpf_trace_printk(hb_fmt, sizeof(hb_fmt), ##__VA_ARGS__);       \
	})
#else
#error "compile with -DHB_PLATFORM_LINUX or -DHB_PLATFORM_WINDOWS"
#endif

#endif
