/* Prelude of the Linux test programs: kernel UAPI types, our annotations and the project's
 * generated headers/linux/bpf_helper_defs.h (early-bound unless BPF_HELPER_LATE_BINDING). */
#ifndef HB_LINUX_H
#define HB_LINUX_H

#include <linux/types.h>
#include <linux/bpf.h>
#include "hb_common.h"
#include "bpf_helper_defs.h"

/* bpf_printk(fmt, args...): the format lives in .rodata (an R_BPF_64_64 load the binder must
 * leave alone) and the call goes to the variadic bpf_trace_printk, ID 6. */
#define bpf_printk(fmt, ...)                                                   \
	({                                                                     \
		static const char hb_fmt[] = fmt;                              \
		bpf_trace_printk(hb_fmt, sizeof(hb_fmt), ##__VA_ARGS__);       \
	})

#endif
