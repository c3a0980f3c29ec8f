/* Fuzz seed: an extern that is no helper of any platform, next to a real helper, so the
 * unresolved-call error path and --allow-unresolved are reachable from the corpus. */
#include "helpers.h"

extern int not_a_helper(int x);

SEC("kprobe/do_sys_open")
int probe(void *ctx)
{
	return not_a_helper((int)bpf_ktime_get_ns());
}

char LICENSE[] SEC("license") = "GPL";
