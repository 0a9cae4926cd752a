/*
 * Opening KVM, creating the VM, and finding out which flavour of
 * virtualization the host gives us (shared/HOST.md): hardware VMX or SVM, or
 * PVM, the page-table based KVM of the development machines where guest
 * ring-0 code is emulated.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vm.h"

static int path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* 1 when /proc/cpuinfo's first "flags" line lists `flag`. */
static int cpu_has_flag(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		for (char *tok = strtok(strchr(line, ':') + 1, " \n"); tok; tok = strtok(NULL, " \n")) {
			if (strcmp(tok, flag) == 0)
				found = 1;
		}
		break;
	}
	fclose(f);
	return found;
}

enum virt_flavour detect_flavour(void)
{
	if (path_exists("/sys/module/kvm_pvm"))
		return FLAVOUR_PVM;
	if (path_exists("/sys/module/kvm_intel") || cpu_has_flag("vmx"))
		return FLAVOUR_VMX;
	if (path_exists("/sys/module/kvm_amd") || cpu_has_flag("svm"))
		return FLAVOUR_SVM;
	return FLAVOUR_UNKNOWN;
}

const char *flavour_name(enum virt_flavour f)
{
	switch (f) {
	case FLAVOUR_VMX: return "VMX";
	case FLAVOUR_SVM: return "SVM";
	case FLAVOUR_PVM: return "PVM";
	default: return "unknown";
	}
}

int kvm_open(struct vm *vm, char *why, size_t why_len)
{
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		if (errno == ENOENT)
			snprintf(why, why_len, "/dev/kvm does not exist: this host cannot run VMs "
				 "(load kvm_intel, kvm_amd or kvm_pvm)");
		else if (errno == EACCES || errno == EPERM)
			snprintf(why, why_len, "cannot open /dev/kvm: %s (add yourself to the kvm group or run as root)",
				 strerror(errno));
		else   /* EMFILE, say: vm_run names the cause */
			snprintf(why, why_len, "cannot open /dev/kvm: %s", strerror(errno));
		return -1;
	}
	int version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		snprintf(why, why_len, "KVM API version %d, lwvmm needs %d", version, KVM_API_VERSION);
		errno = 0;   /* not a host resource: status 69 (vm_run) */
		return -1;
	}
	vm->flavour = detect_flavour();
	return 0;
}

int kvm_create_vm(struct vm *vm, char *why, size_t why_len)
{
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		snprintf(why, why_len, "KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	return 0;
}
