/*
 * ctrun: run one program in a real OCI container (runc, or crun where the
 * host's cgroups are unified v2) with the same CPU set and memory limit as
 * the VM of the same benchmark cell, and clean up everything it made.
 */
#ifndef CTRUN_H
#define CTRUN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* Exit statuses of ctrun itself (the program's own status passes through). */
#define CT_EXIT_USAGE       64
#define CT_EXIT_UNAVAILABLE 69  /* no OCI runtime, not root, no cgroups */
#define CT_EXIT_FAILED      70  /* bundle, network or runtime failure */
#define CT_EXIT_RESOURCES   71  /* too few open files allowed for the runtime */
#define CT_EXIT_TIMEOUT     124
#define CT_EXIT_SIGNAL_BASE 128 /* + the signal that ended the run: 130 SIGINT, 143 SIGTERM */

#define CT_NOFILE 4096  /* RLIMIT_NOFILE inside; the runtime needs it as its hard limit */

#define CT_PREFIX     "vmb-"          /* container ids, netns, cgroups */
#define CT_VETH_HOST  "vmbh"          /* + pid: the host end of the veth pair */
#define CT_VETH_CONT  "vmbc"          /* + pid: renamed eth0 inside */
#define CT_BUNDLE_DIR "vmbench-ct-"   /* + pid, under $TMPDIR or /tmp */
#define CT_SCRATCH    "/scratch"      /* writable bind mount inside, on the host's disk */
#define CT_FILE       "/scratch/file" /* where --file's host file appears inside */

/* What to run and under which limits. */
struct ct_spec {
	const char *id;            /* vmb-PID */
	const char *rootfs;        /* absolute path of the cached root file system */
	const char *scratch;       /* host directory bound at /scratch */
	char *const *argv;         /* program and arguments inside the container */
	const char *const *env;    /* extra KEY=VALUE strings, NULL-terminated, or NULL */
	int cpus;                  /* CPU count (must match the cpuset's size) */
	const char *cpuset;        /* "0-1" */
	uint64_t mem_bytes;        /* memory limit, also the memory+swap limit */
	int pids_limit;
	const char *netns_path;    /* join this network namespace, or NULL for a new empty one */
	const char *file;          /* a host file bound at CT_FILE, or NULL */
};

/* oci_config.c: the config.json of a bundle (a new reference). */
json_t *oci_config(const struct ct_spec *s);
int oci_write_bundle(const char *bundle_dir, const struct ct_spec *s,
		     char *err, size_t errlen);

/* rootfs.c: the cached root file system with every program and its libraries. */
struct rootfs_prog {
	const char *path;          /* on the host */
	const char *name;          /* under /bin inside */
};
int rootfs_programs(const char *tool_dir, struct rootfs_prog *progs, int max,
		    char *err, size_t errlen);
/* The shared libraries (and loader) a binary needs, from ldd: count or -1. */
int rootfs_libraries(const char *binary, char ***libs, char *err, size_t errlen);
/* cache_dir/rootfs-HASH, built once (*cached says it was there already);
 * malloc'ed path or NULL with err. */
char *rootfs_get(const char *cache_dir, const struct rootfs_prog *progs, int n,
		 int *cached, char *err, size_t errlen);
/* The cache keys' hash (FNV-1a, 64 bits): bytes, and a file's identity (path, inode,
 * size, mtime). guestimg keys its images the same way. */
uint64_t rootfs_hash(uint64_t h, const void *data, size_t len);
uint64_t rootfs_hash_file(uint64_t h, const char *path);
/* Remove cache_dir/rootfs-*.tmp-PID whose PID is gone; how many. */
int rootfs_sweep(const char *cache_dir);
/* $CTRUN_CACHE, or tool_dir/../containers (malloc'ed). */
char *ct_default_cache(const char *tool_dir);

/* runtime.c: which OCI runtime, its version, the host's cgroup mode. */
struct ct_runtime {
	char name[16];             /* runc | crun */
	char path[256];
	char version[64];          /* "1.1.5+ds1" */
	int cgroup_v2;             /* unified v2 hierarchy */
};
int runtime_detect(const char *want, struct ct_runtime *rt, char *err, size_t errlen);

/* netns.c: a network namespace with a veth pair to the host. */
struct ct_net {
	char name[32];             /* vmb-PID, in /run/netns */
	char path[64];
	char host_if[16], cont_if[16];
	char host_ip[16], cont_ip[16]; /* a /30 of the project's own 10.231.0.0/16 */
	int created, linked;
};
int netns_setup(struct ct_net *n, int pid, char *err, size_t errlen);
void netns_teardown(struct ct_net *n);

/* proc.c: run a helper command and wait; its output (first 4 KiB) in out. */
int proc_run(char *const *argv, char *out, size_t outlen);
int proc_run_quiet(char *const *argv); /* exit status, or -1 */
/* A waitpid() status as an exit status: the program's, or 128 + the signal. */
int proc_exit_status(int status);
uint64_t ct_now_ns(void);

/* criu.c: whether CRIU works here (else why), and its error lines. */
int criu_available(char *why, size_t whylen);
int criu_error_line(const char *line, size_t len, char *out, size_t outlen);

/* cleanup.c: remove what a dead ctrun (or this one) left behind. */
void cleanup_id(const struct ct_runtime *rt, int pid);
int cleanup_stale(const struct ct_runtime *rt); /* number of dead owners cleaned */
int rmtree(const char *path);
/* SIGKILL to every process of the cgroup NAME (vmb-PID) in each hierarchy; how many. */
int cgroup_kill(const char *name);

#endif
