/*
 * The guest's C entry point, reached from start.S on every vCPU. vCPU 0 runs
 * the workload named in the boot information and exits the VM with its
 * status; the other vCPUs serve wl_run_threads().
 */
#include "hypercall.h"
#include "wl.h"

void libos_init(void);
void secondary_loop(int index);

__attribute__((noreturn)) static void guest_exit(int status)
{
	for (;;)
		hc_call(HC_EXIT, (uint64_t)status, 0);
}

__attribute__((noreturn)) void guest_main(const struct lw_bootinfo *boot, uint64_t index)
{
	static char *argv[LW_MAX_ARGS + 1];

	if (index != 0) {
		/* Wait until vCPU 0 has published the boot information. */
		while (!__atomic_load_n(&lw_boot, __ATOMIC_ACQUIRE))
			__asm__ volatile("pause");
		secondary_loop((int)index);
	}
	__atomic_store_n(&lw_boot, boot, __ATOMIC_RELEASE);
	if (boot->magic != LW_BOOTINFO_MAGIC || boot->abi_version != LW_ABI_VERSION)
		guest_exit(99);   /* monitor and guest built from different sources */
	libos_init();
	for (uint32_t i = 0; i < boot->argc && i < LW_MAX_ARGS; i++)
		argv[i] = (char *)boot->args + boot->argv_offset[i];

	const struct workload *w = wl_find(argv[0]);
	if (!w) {
		wl_printf("guest: unknown workload '%s'\n", argv[0]);
		guest_exit(2);
	}
	guest_exit(w->main((int)boot->argc, argv));
}
