/*
 * Networking for net workloads: a named network namespace (ip netns, so
 * the runtime joins it through config.json), a veth pair with one end
 * moved inside as eth0, and a /30 out of 10.231.0.0/16 picked from our pid,
 * so iperf3 in the container talks to a server on the host end. Only the
 * two veth ends carry the addresses; teardown deletes both ends and the
 * namespace.
 */
#include <stdio.h>
#include <string.h>

#include "ctrun.h"

static int ip(char *err, size_t errlen, const char *a0, const char *a1, const char *a2,
	      const char *a3, const char *a4, const char *a5, const char *a6,
	      const char *a7, const char *a8)
{
	char *argv[] = { "ip", (char *)a0, (char *)a1, (char *)a2, (char *)a3, (char *)a4,
			 (char *)a5, (char *)a6, (char *)a7, (char *)a8, NULL };
	char out[512];
	int rc = proc_run(argv, out, sizeof(out));

	if (rc != 0) {
		char cmd[256] = "ip";
		for (int i = 1; argv[i]; i++)
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " %s", argv[i]);
		snprintf(err, errlen, "%s: %.*s", cmd, (int)strcspn(out, "\n"),
			 rc == 127 ? "ip is not installed (iproute2)" : out);
		return -1;
	}
	return 0;
}

int netns_setup(struct ct_net *n, int pid, char *err, size_t errlen)
{
	unsigned idx = (unsigned)pid % 16384u * 4u;
	char host_cidr[24], cont_cidr[24];

	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), CT_PREFIX "%d", pid);
	snprintf(n->path, sizeof(n->path), "/run/netns/%s", n->name);
	snprintf(n->host_if, sizeof(n->host_if), CT_VETH_HOST "%d", pid);
	snprintf(n->cont_if, sizeof(n->cont_if), CT_VETH_CONT "%d", pid);
	snprintf(n->host_ip, sizeof(n->host_ip), "10.231.%u.%u", idx >> 8, (idx & 255) + 1);
	snprintf(n->cont_ip, sizeof(n->cont_ip), "10.231.%u.%u", idx >> 8, (idx & 255) + 2);
	snprintf(host_cidr, sizeof(host_cidr), "%s/30", n->host_ip);
	snprintf(cont_cidr, sizeof(cont_cidr), "%s/30", n->cont_ip);

	if (ip(err, errlen, "netns", "add", n->name, 0, 0, 0, 0, 0, 0) < 0)
		return -1;
	n->created = 1;
	if (ip(err, errlen, "link", "add", n->host_if, "type", "veth", "peer", "name",
	       n->cont_if, 0) < 0)
		return -1;
	n->linked = 1;
	if (ip(err, errlen, "link", "set", n->cont_if, "netns", n->name, 0, 0, 0, 0) < 0 ||
	    ip(err, errlen, "-n", n->name, "link", "set", n->cont_if, "name", "eth0", 0, 0) < 0 ||
	    ip(err, errlen, "-n", n->name, "addr", "add", cont_cidr, "dev", "eth0", 0, 0) < 0 ||
	    ip(err, errlen, "-n", n->name, "link", "set", "eth0", "up", 0, 0, 0) < 0 ||
	    ip(err, errlen, "-n", n->name, "link", "set", "lo", "up", 0, 0, 0) < 0 ||
	    ip(err, errlen, "addr", "add", host_cidr, "dev", n->host_if, 0, 0, 0, 0) < 0 ||
	    ip(err, errlen, "link", "set", n->host_if, "up", 0, 0, 0, 0, 0) < 0)
		return -1;
	return 0;
}

void netns_teardown(struct ct_net *n)
{
	char err[256];

	if (n->linked)
		ip(err, sizeof(err), "link", "del", n->host_if, 0, 0, 0, 0, 0, 0);
	if (n->created)
		ip(err, sizeof(err), "netns", "del", n->name, 0, 0, 0, 0, 0, 0);
	n->linked = n->created = 0;
}
