/* numa-policy/topology: the host's topology and simulated ones from specs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "topology.h"

/* A one-node host with CPUs 0-3, as the specs see it. */
static void fake_host(struct numa_topology *h, int ncpus)
{
	memset(h, 0, sizeof(*h));
	for (int c = 0; c < NUMA_MAX_CPUS; c++)
		h->cpu_node[c] = c < ncpus ? 0 : -1;
	for (int n = 0; n < NUMA_MAX_NODES; n++)
		h->host_node[n] = -1;
	h->nnodes = 1;
	h->host_node[0] = 0;
	h->node_cpus[0] = ncpus;
	h->distance[0][0] = 1.0;
}

static void test_host(void **state)
{
	(void)state;
	struct numa_topology t;
	char err[256] = "";
	int cpus = 0;

	assert_int_equal(topo_from_host(&t, err, sizeof(err)), 0);
	assert_true(t.nnodes >= 1);
	assert_int_equal(t.simulated, 0);
	for (int n = 0; n < t.nnodes; n++) {
		cpus += t.node_cpus[n];
		assert_true(t.host_node[n] >= 0);
		assert_true(t.distance[n][n] == 1.0);
	}
	assert_true(cpus >= 1);
	assert_int_equal(topo_cpu_limit(&t) >= 1, 1);
}

static void test_sim_split(void **state)
{
	(void)state;
	struct numa_topology h, t;
	char err[256] = "";

	fake_host(&h, 4);
	assert_int_equal(topo_simulate(&t, &h, "nodes=2,remote=2.5", err, sizeof(err)), 0);
	assert_int_equal(t.nnodes, 2);
	assert_int_equal(t.simulated, 1);
	assert_int_equal(t.cpu_node[0], 0);
	assert_int_equal(t.cpu_node[1], 0);
	assert_int_equal(t.cpu_node[2], 1);
	assert_int_equal(t.cpu_node[3], 1);
	assert_int_equal(t.cpu_node[4], -1);
	assert_true(t.distance[0][1] == 2.5 && t.distance[1][0] == 2.5);
	assert_true(t.distance[1][1] == 1.0);
	assert_int_equal(t.host_node[1], 0);   /* pretend node 1's memory is the host's node 0 */

	fake_host(&h, 3);                       /* uneven: 0,0,1 */
	assert_int_equal(topo_simulate(&t, &h, "nodes=2", err, sizeof(err)), 0);
	assert_int_equal(t.node_cpus[0], 2);
	assert_int_equal(t.node_cpus[1], 1);
	assert_true(t.distance[0][1] == 2.0);
}

static void test_sim_cpus(void **state)
{
	(void)state;
	struct numa_topology h, t;
	char err[256] = "";

	fake_host(&h, 4);
	assert_int_equal(topo_simulate(&t, &h, "nodes=2,cpus=0@1,1-3@0,remote=3", err,
				       sizeof(err)), 0);
	assert_int_equal(t.cpu_node[0], 1);
	assert_int_equal(t.cpu_node[3], 0);
	assert_int_equal(t.node_cpus[0], 3);
	assert_true(t.distance[0][1] == 3.0);
	assert_int_equal(topo_simulate(&t, &h, "cpus=0-1@0,3@1,nodes=2", err, sizeof(err)), 0);
	assert_int_equal(t.cpu_node[2], -1);    /* unlisted: left out */
	assert_int_equal(topo_cpu_limit(&t), 4);
}

static void bad(const char *spec, int ncpus, const char *expect)
{
	struct numa_topology h, t;
	char err[256] = "";

	fake_host(&h, ncpus);
	assert_int_equal(topo_simulate(&t, &h, spec, err, sizeof(err)), -1);
	if (!strstr(err, expect))
		fail_msg("spec '%s': message '%s' lacks '%s'", spec, err, expect);
}

static void test_sim_bad(void **state)
{
	(void)state;
	bad("", 4, "needs nodes=N");
	bad("remote=2", 4, "needs nodes=N");
	bad("nodes=0", 4, "expected 1 to 16");
	bad("nodes=17", 4, "expected 1 to 16");
	bad("nodes=two", 4, "expected 1 to 16");
	bad("nodes=3", 2, "needs at least 3 host CPUs, this host has 2");
	bad("nodes=2,remote=0.5", 4, "remote=0.5: expected a distance");
	bad("nodes=2,remote=", 4, "expected nodes=N");
	bad("nodes=2,remote=2x", 4, "remote=2x");
	bad("nodes=2,colour=red", 4, "'colour=red': expected");
	bad("nodes=2,cpus=0-1@0,2-3@2", 4, "node 2, but nodes=2");
	bad("nodes=2,cpus=0-1@0,1-3@1", 4, "CPU 1 is already on node 0");
	bad("nodes=2,cpus=0-1@0,2-5@1", 4, "the host has no CPU 4");
	bad("nodes=2,cpus=0-3@0", 4, "gives node 1 no CPU");
	bad("nodes=2,cpus=0-1", 4, "expected CPUS@NODE");
	bad("nodes=2,cpus=1-0@0", 4, "expected CPUS@NODE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_sim_split),
		cmocka_unit_test(test_sim_cpus),
		cmocka_unit_test(test_sim_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
