/*
 * config.json of the bundle (OCI runtime spec 1.0): a read-only root (the
 * shared cached rootfs), tmpfs /tmp, the host scratch directory bound at
 * /scratch, new pid/ipc/uts/mount/cgroup/network namespaces (or the run's
 * prepared network namespace), and the cell's limits: cpuset with the VM's CPU
 * count, memory limit with no extra swap, a pids limit.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ctrun.h"

static json_t *mount(const char *dest, const char *type, const char *source,
		     const char *const *options)
{
	json_t *opts = json_array();

	for (int i = 0; options[i]; i++)
		json_array_append_new(opts, json_string(options[i]));
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", type,
			 "source", source, "options", opts);
}

static json_t *mounts(const struct ct_spec *s)
{
	static const char *const proc[] = { NULL };
	static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
	static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666",
					   "mode=0620", NULL };
	static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777",
					   "size=65536k", NULL };
	static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const cg[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
	static const char *const tmp[] = { "nosuid", "nodev", "mode=1777", NULL };
	static const char *const bind[] = { "rbind", "rw", NULL };
	json_t *m = json_array();

	json_array_append_new(m, mount("/proc", "proc", "proc", proc));
	json_array_append_new(m, mount("/dev", "tmpfs", "tmpfs", dev));
	json_array_append_new(m, mount("/dev/pts", "devpts", "devpts", pts));
	json_array_append_new(m, mount("/dev/shm", "tmpfs", "shm", shm));
	json_array_append_new(m, mount("/sys", "sysfs", "sysfs", sys));
	json_array_append_new(m, mount("/sys/fs/cgroup", "cgroup", "cgroup", cg));
	json_array_append_new(m, mount("/tmp", "tmpfs", "tmpfs", tmp));
	if (s->scratch)
		json_array_append_new(m, mount(CT_SCRATCH, "bind", s->scratch, bind));
	if (s->file)   /* after /scratch: the file appears inside it */
		json_array_append_new(m, mount(CT_FILE, "bind", s->file, bind));
	return m;
}

static json_t *strings(const char *const *list)
{
	json_t *a = json_array();

	for (int i = 0; list && list[i]; i++)
		json_array_append_new(a, json_string(list[i]));
	return a;
}

static json_t *process(const struct ct_spec *s)
{
	static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL",
					    "CAP_NET_BIND_SERVICE", NULL };
	json_t *env = json_array();

	json_array_append_new(env, json_string("PATH=/bin"));
	json_array_append_new(env, json_string("TMPDIR=" CT_SCRATCH));
	for (int i = 0; s->env && s->env[i]; i++)
		json_array_append_new(env, json_string(s->env[i]));
	return json_pack("{s:b, s:{s:i, s:i}, s:o, s:o, s:s, s:{s:o, s:o, s:o, s:o},"
			 " s:[{s:s, s:i, s:i}], s:b}",
			 "terminal", 0,
			 "user", "uid", 0, "gid", 0,
			 "args", strings((const char *const *)s->argv),
			 "env", env,
			 "cwd", "/",
			 "capabilities", "bounding", strings(caps), "effective", strings(caps),
			 "permitted", strings(caps), "ambient", strings(caps),
			 "rlimits", "type", "RLIMIT_NOFILE", "hard", CT_NOFILE, "soft", CT_NOFILE,
			 "noNewPrivileges", 1);
}

static json_t *namespaces(const struct ct_spec *s)
{
	/* cgroup: on unified v2 hosts /sys/fs/cgroup inside is then the
	 * container's own cgroup (its memory.max), not the host's root */
	json_t *ns = json_pack("[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}]", "type", "pid",
			       "type", "ipc", "type", "uts", "type", "mount", "type", "cgroup");
	json_t *net = json_pack("{s:s}", "type", "network");

	if (s->netns_path)
		json_object_set_new(net, "path", json_string(s->netns_path));
	json_array_append_new(ns, net);
	return ns;
}

static json_t *linux_section(const struct ct_spec *s)
{
	static const char *const masked[] = { "/proc/acpi", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		"/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL };
	static const char *const readonly[] = { "/proc/asound", "/proc/bus", "/proc/fs",
		"/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };
	char cgpath[64];

	snprintf(cgpath, sizeof(cgpath), "/%s", s->id);
	return json_pack("{s:{s:[{s:b, s:s}], s:{s:s}, s:{s:I, s:I}, s:{s:i}},"
			 " s:s, s:o, s:o, s:o}",
			 "resources",
			 "devices", "allow", 0, "access", "rwm",
			 "cpu", "cpus", s->cpuset,
			 "memory", "limit", (json_int_t)s->mem_bytes,
			 "swap", (json_int_t)s->mem_bytes,
			 "pids", "limit", s->pids_limit,
			 "cgroupsPath", cgpath,
			 "namespaces", namespaces(s),
			 "maskedPaths", strings(masked),
			 "readonlyPaths", strings(readonly));
}

json_t *oci_config(const struct ct_spec *s)
{
	return json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}",
			 "ociVersion", "1.0.2",
			 "process", process(s),
			 "root", "path", s->rootfs, "readonly", 1,
			 "hostname", s->id,
			 "mounts", mounts(s),
			 "linux", linux_section(s));
}

int oci_write_bundle(const char *bundle_dir, const struct ct_spec *s,
		     char *err, size_t errlen)
{
	char path[PATH_MAX];
	json_t *cfg = oci_config(s);
	int rc;

	if (!cfg) {
		snprintf(err, errlen, "cannot build config.json (bad limits?)");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle_dir);
	rc = json_dump_file(cfg, path, JSON_INDENT(2));
	if (rc < 0)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	json_decref(cfg);
	return rc;
}
