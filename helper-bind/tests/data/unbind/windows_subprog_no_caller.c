/* A global subprogram no program calls, using program-type helper 65536. */
#define SEC(name) __attribute__((section(name), used))
static long (*ext_65536)(void *ctx) = (void *)65536;

__attribute__((noinline)) int lonely(void *ctx)
{
	return ext_65536(ctx);
}

SEC("bind")
int unrelated(void *ctx)
{
	return 0;
}
