/*
 * numa_probe: checks, inside the lab, that libnuma and hwloc see the NUMA
 * topology QEMU was given, and that memory bound to node 1 with mbind really
 * lands on node 1 (asked back with move_pages in query mode).
 *
 *   numa_probe NODES CPUS
 *
 * Prints one line per check; exits 0 when all hold, 1 with a message naming
 * the first broken one otherwise, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <hwloc.h>
#include <numa.h>
#include <numaif.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { BOUND_PAGES = 256 };

/* libnuma reports problems through these weak hooks; keep its messages but
 * make them ours, so a failed call never passes silently. */
void numa_warn(int num, char *fmt, ...)
{
	va_list ap;
	(void)num;
	va_start(ap, fmt);
	fputs("numa_probe: libnuma warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void numa_error(char *where)
{
	fprintf(stderr, "numa_probe: libnuma error in %s: %s\n", where, strerror(errno));
}

static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("numa_probe: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

static int parse_count(const char *text, const char *what, int *out)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || *text == '\0' || *end != '\0' || value < 1 || value > 1024) {
		fprintf(stderr, "numa_probe: %s must be a number from 1 to 1024, not '%s'\n",
			what, text);
		return -1;
	}
	*out = (int)value;
	return 0;
}

static int check_libnuma(int nodes, int cpus)
{
	int seen_nodes, seen_cpus;

	if (numa_available() < 0)
		return fail("libnuma says NUMA is not available on this kernel");
	seen_nodes = numa_num_configured_nodes();
	seen_cpus = numa_num_configured_cpus();
	printf("libnuma: %d nodes, %d cpus (expected %d, %d)\n",
	       seen_nodes, seen_cpus, nodes, cpus);
	if (seen_nodes != nodes)
		return fail("libnuma sees %d nodes, expected %d", seen_nodes, nodes);
	if (seen_cpus != cpus)
		return fail("libnuma sees %d cpus, expected %d", seen_cpus, cpus);
	return 0;
}

static int check_hwloc(int nodes, int cpus)
{
	hwloc_topology_t topology;
	int seen_nodes, seen_cpus;

	if (hwloc_topology_init(&topology) != 0)
		return fail("hwloc_topology_init failed: %s", strerror(errno));
	if (hwloc_topology_load(topology) != 0) {
		hwloc_topology_destroy(topology);
		return fail("hwloc_topology_load failed: %s", strerror(errno));
	}
	seen_nodes = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_NUMANODE);
	seen_cpus = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU);
	hwloc_topology_destroy(topology);
	printf("hwloc: %d nodes, %d cpus (expected %d, %d)\n",
	       seen_nodes, seen_cpus, nodes, cpus);
	if (seen_nodes != nodes)
		return fail("hwloc sees %d nodes, expected %d", seen_nodes, nodes);
	if (seen_cpus != cpus)
		return fail("hwloc sees %d cpus, expected %d", seen_cpus, cpus);
	return 0;
}

/* Bind fresh anonymous memory to node 1, touch it, then ask the kernel where
 * each page really is. */
static int check_bind_to_node1(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t length = (size_t)page * BOUND_PAGES;
	unsigned long mask = 1UL << 1;
	void *pages[BOUND_PAGES];
	int status[BOUND_PAGES];
	char *buffer;
	int i, rc = 0;

	buffer = mmap(NULL, length, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buffer == MAP_FAILED)
		return fail("mmap of %zu bytes failed: %s", length, strerror(errno));
	if (mbind(buffer, length, MPOL_BIND, &mask, sizeof(mask) * 8,
		  MPOL_MF_STRICT | MPOL_MF_MOVE) != 0) {
		rc = fail("mbind to node 1 failed: %s", strerror(errno));
		goto out;
	}
	memset(buffer, 0xa5, length);
	for (i = 0; i < BOUND_PAGES; i++)
		pages[i] = buffer + (size_t)i * (size_t)page;
	if (numa_move_pages(0, BOUND_PAGES, pages, NULL, status, 0) != 0) {
		rc = fail("move_pages query failed: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < BOUND_PAGES; i++) {
		if (status[i] != 1) {
			rc = fail("page %d of the buffer bound to node 1 is on %s %d",
				  i, status[i] < 0 ? "error" : "node", status[i]);
			goto out;
		}
	}
	printf("mbind: %d pages bound to node 1 are all on node 1\n", BOUND_PAGES);
out:
	munmap(buffer, length);
	return rc;
}

int main(int argc, char **argv)
{
	int nodes, cpus;

	if (argc != 3) {
		fprintf(stderr, "usage: numa_probe NODES CPUS\n");
		return 2;
	}
	if (parse_count(argv[1], "NODES", &nodes) || parse_count(argv[2], "CPUS", &cpus))
		return 2;
	if (check_libnuma(nodes, cpus) || check_hwloc(nodes, cpus))
		return 1;
	if (nodes < 2) {
		printf("mbind: only one node, nothing to bind to node 1\n");
		return 0;
	}
	return check_bind_to_node1();
}
