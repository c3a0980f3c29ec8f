/* Program-type helper 65536 in a `bind` program: bind has no extension
 * helpers, so the ID means nothing there. */
#define SEC(name) __attribute__((section(name), used))
static long (*ext_helper)(void *ctx) = (void *)65536;

SEC("bind/0")
int bind_prog(void *ctx)
{
	return ext_helper(ctx);
}
