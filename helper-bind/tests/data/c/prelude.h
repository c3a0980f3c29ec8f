/* Shared prelude of the helper-bind test programs.
 *
 * Build modes (set by the test):
 *   -DPLATFORM_WINDOWS         Windows helper table (default: Linux)
 *   -DBPF_HELPER_LATE_BINDING  helpers become externs: `call -1` + relocation (late)
 *   otherwise                  helpers are function pointers holding their IDs (early)
 */
#ifndef PRELUDE_H
#define PRELUDE_H

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

#ifdef PLATFORM_WINDOWS
#include <stdint.h>
#include <stddef.h>
typedef uint32_t u32;
typedef uint64_t u64;
#include <bpf_helper_defs.h>
/* printk arguments are passed as u64 so that the fixed-arity prototypes (u64 args) and the
 * variadic one compile to the same code.
 * Windows has fixed-arity printk helpers; a portable program calls the variadic name and
 * helper-bind picks the helper by argument count. */
#ifdef BPF_HELPER_LATE_BINDING
extern long bpf_trace_printk(const char *fmt, uint32_t fmt_size, ...);
#define PRINTK0(f) bpf_trace_printk(f, sizeof(f))
#define PRINTK1(f, a) bpf_trace_printk(f, sizeof(f), (u64)(a))
#define PRINTK2(f, a, b) bpf_trace_printk(f, sizeof(f), (u64)(a), (u64)(b))
#define PRINTK3(f, a, b, c) bpf_trace_printk(f, sizeof(f), (u64)(a), (u64)(b), (u64)(c))
#else
#define PRINTK0(f) bpf_trace_printk2(f, sizeof(f))
#define PRINTK1(f, a) bpf_trace_printk3(f, sizeof(f), (u64)(a))
#define PRINTK2(f, a, b) bpf_trace_printk4(f, sizeof(f), (u64)(a), (u64)(b))
#define PRINTK3(f, a, b, c) bpf_trace_printk5(f, sizeof(f), (u64)(a), (u64)(b), (u64)(c))
#endif
#else
#include <linux/types.h>
typedef __u32 u32;
typedef __u64 u64;
#include <bpf_helper_defs.h>
#define PRINTK0(f) bpf_trace_printk(f, sizeof(f))
#define PRINTK1(f, a) bpf_trace_printk(f, sizeof(f), (u64)(a))
#define PRINTK2(f, a, b) bpf_trace_printk(f, sizeof(f), (u64)(a), (u64)(b))
#define PRINTK3(f, a, b, c) bpf_trace_printk(f, sizeof(f), (u64)(a), (u64)(b), (u64)(c))
#endif

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2

#endif
