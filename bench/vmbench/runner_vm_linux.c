/*
 * `vm-linux`: the workload inside an unmodified Linux kernel booted by lwvmm
 * (lwvmm/linux_vm.c), from an initramfs built by guestimg (bench/guestimg/):
 *   lwvmm run --kernel K --initrd IMAGE --cpus N --mem SIZE --stats-json FILE
 *             --timeout S --append "quiet -- /bin/workload NAME --threads N PARAMS..."
 * The image's /init runs what follows "--", and the program's exit status
 * comes back as lwvmm's through its exit port; the result line comes out of
 * the guest's serial console, which is lwvmm's stdout. The kernel is
 * $VMBENCH_KERNEL (`vmbench run --kernel F` sets it), else the host's own
 * /boot/vmlinuz-RELEASE when readable, else build/lab/guest-vmlinuz (the
 * lab's kernel), else the newest readable /boot/vmlinuz-*.
 * Linux guests need VMX or SVM: on a PVM host the environment is
 * unavailable with that reason. Cells lwvmm's Linux path cannot run yet are
 * unavailable with theirs: net cells (no virtio-pci net device yet), io cells
 * of more than one vCPU (lwvmm's ACPI tables have no PCI root yet) and fio
 * through vmbench-tool. An io cell's backing file is the guest's virtio-blk
 * disk, /dev/vda, where the workload runs fio as it does natively on the file
 * (O_DIRECT where the host file takes it: lwvmm's --disk FILE,direct). A
 * cell's vCPUs are the guest's (lwvmm writes an ACPI MADT for more than one).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "paths.h"
#include "runner.h"
#include "tools.h"

#define STATS_FILE ".monitor-stats.json"
#define GUEST_DISK "/dev/vda"          /* the first virtio-blk disk, as the guest's kernel names it */
#define APPEND_MAX 4000            /* lwvmm's LINUX_CMDLINE_MAX is 4096, its defaults included */

/* The newest readable /boot/vmlinuz-* (by name), or NULL. */
static char *newest_boot_kernel(void)
{
	struct dirent **names;
	char *found = NULL;
	int n = scandir("/boot", &names, NULL, versionsort);

	for (int i = n - 1; i >= 0; i--) {
		if (!found && !strncmp(names[i]->d_name, "vmlinuz-", 8)) {
			char *p = paths_join("/boot", names[i]->d_name);
			if (access(p, R_OK) == 0)
				found = p;
			else
				free(p);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return found;
}

/* The guest kernel (malloc'ed), or NULL with why. */
static char *linux_kernel(const struct run_ctx *ctx, char *why, size_t whylen)
{
	const char *env = getenv("VMBENCH_KERNEL");
	struct utsname u;
	char *p;

	if (env && *env) {
		if (access(env, R_OK) == 0)
			return strdup(env);
		snprintf(why, whylen, "VMBENCH_KERNEL=%s: %s", env, strerror(errno));
		return NULL;
	}
	if (uname(&u) == 0 && asprintf(&p, "/boot/vmlinuz-%s", u.release) >= 0) {
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	p = paths_join(ctx->tool_dir, "../lab/guest-vmlinuz");
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	p = newest_boot_kernel();
	if (!p)
		snprintf(why, whylen, "no guest kernel: none readable in /boot, no build/lab/"
			 "guest-vmlinuz; give one with --kernel or VMBENCH_KERNEL");
	return p;
}

/* lwvmm info's "flavour:" (VMX, SVM, PVM), or NULL with why. */
static char *kvm_flavour(const struct run_ctx *ctx, char *why, size_t whylen)
{
	char *info = runner_lwvmm_info(ctx, why, whylen), *flavour = NULL;
	const char *line = info ? strstr(info, "flavour: ") : NULL;

	if (line)
		flavour = strndup(line + 9, strcspn(line + 9, "\n"));
	else if (info)
		snprintf(why, whylen, "lwvmm info names no flavour");
	free(info);
	return flavour;
}

static int linux_available(const struct run_ctx *ctx, char *why, size_t whylen)
{
	char *flavour = kvm_flavour(ctx, why, whylen), *kernel = NULL, *tool;
	int ok = 0;

	if (!flavour)
		return 0;
	if (strcmp(flavour, "VMX") && strcmp(flavour, "SVM")) {
		snprintf(why, whylen, "Linux guests need VMX or SVM; this host's KVM is %s", flavour);
		goto out;
	}
	tool = paths_join(ctx->tool_dir, "guestimg");
	ok = runner_executable(tool, why, whylen);
	free(tool);
	if (ok) {
		kernel = linux_kernel(ctx, why, whylen);
		ok = kernel != NULL;
	}
out:
	free(kernel);
	free(flavour);
	return ok;
}

static int linux_cell_supported(const struct cell *cell, char *why, size_t whylen)
{
	if (cell->disk && cell->cpus > 1) {
		snprintf(why, whylen, "io in a Linux guest of more than one vCPU: lwvmm's ACPI tables "
			 "have no PCI root yet, so that guest finds no virtio disk");
		return 0;
	}
	if (cell->disk && cell->disk_opts && strcmp(cell->disk_opts, "ro")) {
		snprintf(why, whylen, "--disk ,%s is the built-in guest's (its buffer cache shares "
			 "the image's pages); a Linux guest's disk takes ro only", cell->disk_opts);
		return 0;
	}
	if (cell->net || !strcmp(cell->workload, "iperf3")) {
		snprintf(why, whylen, "net in a Linux guest needs lwvmm's virtio-pci net device, "
			 "not there yet");
		return 0;
	}
	if (!strcmp(cell->workload, "fio")) {
		snprintf(why, whylen, "fio through vmbench-tool in a Linux guest is not wired yet "
			 "(the io workload runs fio there)");
		return 0;
	}
	return 1;
}

/* Exit statuses of lwvmm's own (64 and up), in words. */
static const char *linux_status(int code)
{
	switch (code) {
	case 64: return "bad usage: the workload rejected its arguments, or lwvmm its options (exit 64)";
	case 69: return "lwvmm: this host cannot run Linux guests (exit 69)";
	case 70: return "lwvmm: the guest failed: a fault, a panic, or a reset without an exit status (exit 70)";
	case 71: return "lwvmm: out of memory or resources (exit 71)";
	case 124: return "lwvmm: guest timed out (exit 124)";
	case 127: return "the guest's /init could not run the workload (exit 127)";
	default: return NULL;
	}
}

/*
 * The initramfs with the programs a cell runs, built by guestimg (cached
 * there; the path is kept here too, so that guestimg runs once per program
 * set in a vmbench run). NULL with why in err.
 */
static const char *guest_image(const struct run_ctx *ctx, const char *kernel,
			       const char *programs, char *err, size_t errlen)
{
	static char *kept_programs[4], *kept_images[4];
	static int nkept;
	char *bin = paths_join(ctx->tool_dir, "guestimg");
	char *argv[] = { bin, "--kernel", (char *)kernel, "--programs", (char *)programs, NULL };
	struct spawn_req req = { .argv = argv, .timeout_s = 300 };
	struct spawn_out out;
	const char *image = NULL;

	for (int i = 0; i < nkept; i++)
		if (!strcmp(kept_programs[i], programs)) {
			free(bin);
			return kept_images[i];
		}
	spawn_run(&req, &out);
	if (out.exit_code == 0 && out.out && out.out[0] == '/' && nkept < 4) {
		kept_programs[nkept] = strdup(programs);
		kept_images[nkept] = strndup(out.out, strcspn(out.out, "\n"));
		image = kept_images[nkept++];
	} else {
		const char *tail = spawn_tail_lines(out.err, 1);
		snprintf(err, errlen, "guestimg failed (exit %d): %.*s", out.exit_code,
			 (int)strcspn(tail, "\n"), *tail ? tail : out.error);
	}
	spawn_out_free(&out);
	free(bin);
	return image;
}

/* "quiet -- /bin/PROGRAM ARGS...": the words after "--" are /init's arguments. */
static int build_append(const struct run_request *req, const char *program, char *buf,
			size_t len, char *err, size_t errlen)
{
	size_t used = (size_t)snprintf(buf, len, "quiet -- /bin/%s", program);

	for (int i = 0; req->workload_argv[i]; i++) {
		const char *a = req->workload_argv[i];
		if (!*a || strpbrk(a, " \t\n\"'\\")) {
			snprintf(err, errlen, "argument \"%s\" cannot travel on a kernel command line "
				 "(empty, or with blanks or quotes)", a);
			return -1;
		}
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, " %s", a);
	}
	if (used >= len) {
		snprintf(err, errlen, "the workload's arguments are longer than a kernel command line");
		return -1;
	}
	return 0;
}

static void linux_run(const struct run_ctx *ctx, const struct run_request *req,
		      struct run_result *res)
{
	const char *program = tools_program(req->workload_argv[0]);
	char *bin = paths_join(ctx->tool_dir, "lwvmm");
	char *stats_path = paths_join(ctx->run_dir, STATS_FILE);
	char cpus[16], timeout[16], append[APPEND_MAX], programs[128], disk[4200];
	char *kernel = linux_kernel(ctx, res->error, sizeof(res->error));
	const char *image = NULL;

	res->mem = req->cell->mem;
	/* vmbench-tool runs the standard tool named like the workload (stress-ng); the io
	 * workload runs fio */
	snprintf(programs, sizeof(programs), "%s%s%s%s", program,
		 strcmp(program, "workload") ? "," : "",
		 strcmp(program, "workload") ? req->workload_argv[0] : "",
		 req->cell->disk_path ? ",fio" : "");
	if (kernel)
		image = guest_image(ctx, kernel, programs, res->error, sizeof(res->error));
	if (!image || build_append(req, program, append, sizeof(append), res->error,
				   sizeof(res->error)) < 0)
		goto out;
	snprintf(cpus, sizeof(cpus), "%d", req->cell->cpus);
	snprintf(timeout, sizeof(timeout), "%d", ctx->timeout_s);
	char *argv[20] = { bin, "run", "--kernel", kernel, "--initrd", (char *)image, "--cpus", cpus,
			   "--mem", (char *)req->cell->mem, "--stats-json", stats_path,
			   "--timeout", timeout, "--append", append, NULL };
	if (req->cell->disk_path) {
		runner_lwvmm_disk(req->cell, disk, sizeof(disk));
		argv[16] = "--disk";
		argv[17] = disk;
	}
	runner_spawn_tool(ctx, req, argv, stats_path, "LWVMM_SPAWN_NS", linux_status, "monitor",
			  res);
out:
	free(kernel);
	free(stats_path);
	free(bin);
}

const struct runner runner_vm_linux = {
	.name = "vm-linux",
	.what = "an unmodified Linux kernel under lwvmm (guestimg's initramfs), monitor pinned "
		"with hwloc, --mem from the cell",
	.available = linux_available,
	.run = linux_run,
	.cell_supported = linux_cell_supported,
	.file_inside = GUEST_DISK,
};
