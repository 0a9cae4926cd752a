/*
 * fanout: N copies of one program at once, for the density suite's rows of
 * separate processes (issue 12): N native dataset processes, or N lwvmm
 * processes, reading the same image.
 *
 *   fanout [--stats-json PATH] N PROGRAM ARGS...
 *
 * Every copy's stdout line is passed on as "iK: LINE" (K from 0), its
 * stderr as it is. While all N run, every 20 ms, the Pss of each copy
 * (/proc/PID/smaps_rollup: every mapping, shared pages divided among their
 * users) is summed; the largest sum is the footprint. At the end one
 * "result" line: the copies' result lines taken together as lwvmm
 * --domains' are (result_line.c: score summed, ok when all are with one
 * checksum, the first copy's figures), with instances=N, pss_total_kib
 * and pss_samples (how many samples saw all N running; 0 means no
 * footprint was measured and ok=0). An ARG "@STATS@" becomes PATH.K for
 * copy K; at the end PATH.0 is renamed PATH (one copy's statistics, as the
 * harness reads a monitor's) and the others removed.
 * Exit: 0 when every copy exited 0, else the first failing copy's status
 * (128+signal for a signal), 64 on bad usage.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "result_line.h"

#define MAX_COPIES  64
#define SAMPLE_MS   20
#define STATS_TOKEN "@STATS@"

struct copy {
	pid_t pid;
	int out_fd;        /* -1 once its stdout closed */
	int status, done;
	char line[RESULT_LINE_MAX + 1];
	size_t len;
};

static char *output;       /* every copy's lines, prefixed, for result_line_find */
static size_t output_len, output_cap;

static void keep(const char *s, size_t n)
{
	if (output_len + n + 1 > output_cap) {
		output_cap = (output_len + n + 1) * 2;
		output = realloc(output, output_cap);
		if (!output) {
			fprintf(stderr, "fanout: out of memory\n");
			exit(71);
		}
	}
	memcpy(output + output_len, s, n);
	output_len += n;
	output[output_len] = 0;
}

/* One complete line of copy k: passed on and kept, prefixed. */
static void emit(int k, const char *line, size_t n)
{
	char prefix[16];
	int p = snprintf(prefix, sizeof(prefix), "i%d: ", k);

	keep(prefix, (size_t)p);
	keep(line, n);
	keep("\n", 1);
	printf("%s%.*s\n", prefix, (int)n, line);
}

static void read_copy(int k, struct copy *c)
{
	char buf[4096];
	ssize_t n = read(c->out_fd, buf, sizeof(buf));

	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return;
		if (c->len)
			emit(k, c->line, c->len);
		c->len = 0;
		close(c->out_fd);
		c->out_fd = -1;
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || c->len == RESULT_LINE_MAX) {
			emit(k, c->line, c->len);
			c->len = 0;
			if (buf[i] == '\n')
				continue;
		}
		c->line[c->len++] = buf[i];
	}
}

/* A process's Pss in KiB from smaps_rollup, or -1 when it is gone. */
static long long pss_kib(pid_t pid)
{
	char path[64], line[256];
	long long v = -1;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pss: %lld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

static pid_t start(int k, char **argv, const char *stats, int *out_fd)
{
	int fds[2];

	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid != 0) {
		close(fds[1]);
		*out_fd = fds[0];
		if (pid < 0)
			close(fds[0]);
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);   /* nothing outlives a SIGKILLed fanout */
	dup2(fds[1], 1);
	close(fds[0]);
	close(fds[1]);
	for (int i = 0; argv[i]; i++)
		if (stats && !strcmp(argv[i], STATS_TOKEN)) {
			char *p = malloc(strlen(stats) + 16);
			if (!p)
				_exit(71);
			sprintf(p, "%s.%d", stats, k);
			argv[i] = p;
		}
	execvp(argv[0], argv);
	fprintf(stderr, "fanout: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void print_result(const struct result_line *r, int n, long long pss, int samples)
{
	printf("result workload=%s ok=%d score=%.10g score_unit=%s", r->workload,
	       r->ok && samples > 0, r->score, r->score_unit);
	for (int i = 0; i < r->nmetrics; i++) {
		const char *k = r->metrics[i].key;
		if (strcmp(k, "ok") && strcmp(k, "score") && strcmp(k, "domains"))
			printf(" %s=%.17g", k, r->metrics[i].value);
	}
	printf(" instances=%d pss_total_kib=%lld pss_samples=%d\n", n, pss, samples);
}

static void collect_stats(const char *stats, int n)
{
	char *p = malloc(strlen(stats) + 16);

	for (int k = 0; p && k < n; k++) {
		sprintf(p, "%s.%d", stats, k);
		if (k == 0)
			rename(p, stats);
		else
			unlink(p);
	}
	free(p);
}

static int usage(FILE *to, int status)
{
	fprintf(to, "usage: fanout [--stats-json PATH] N PROGRAM ARGS...   (N from 1 to %d)\n"
		"N copies at once: their lines as \"iK: LINE\", then one result line with their scores\n"
		"summed, instances=N and pss_total_kib (the largest sum of their Pss while all ran).\n"
		"An ARG @STATS@ becomes PATH.K for copy K; PATH.0 ends as PATH.\n", MAX_COPIES);
	return status;
}

int main(int argc, char **argv)
{
	const char *stats = NULL;
	int a = 1;

	if (argc == 2 && !strcmp(argv[1], "--help"))
		return usage(stdout, 0);
	if (argc > 2 && !strcmp(argv[1], "--stats-json")) {
		stats = argv[2];
		a = 3;
	}
	char *end;
	long n = a < argc ? strtol(argv[a], &end, 10) : 0;
	if (a + 1 >= argc || *end || n < 1 || n > MAX_COPIES)
		return usage(stderr, 64);
	argv += a + 1;

	static struct copy copies[MAX_COPIES];
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);   /* each line passed on as it comes */
	for (int k = 0; k < n; k++) {
		copies[k].pid = start(k, argv, stats, &copies[k].out_fd);
		if (copies[k].pid < 0) {
			fprintf(stderr, "fanout: cannot start copy %d: %s\n", k, strerror(errno));
			for (int j = 0; j < k; j++)
				kill(copies[j].pid, SIGTERM);
			while (wait(NULL) > 0)
				;
			return 71;
		}
	}

	long long peak = 0;
	int samples = 0, running = (int)n, open_fds = (int)n;
	while (running > 0 || open_fds > 0) {
		struct pollfd pfd[MAX_COPIES];
		int map[MAX_COPIES], np = 0;
		for (int k = 0; k < n; k++)
			if (copies[k].out_fd >= 0) {
				pfd[np] = (struct pollfd){ .fd = copies[k].out_fd, .events = POLLIN };
				map[np++] = k;
			}
		poll(pfd, (nfds_t)np, SAMPLE_MS);
		for (int i = 0; i < np; i++)
			if (pfd[i].revents)
				read_copy(map[i], &copies[map[i]]);
		open_fds = 0;
		for (int k = 0; k < n; k++)
			open_fds += copies[k].out_fd >= 0;

		/* The footprint: only a sample in which every copy is alive counts. */
		long long sum = 0;
		int alive = 0;
		for (int k = 0; k < n && running == n; k++) {
			long long v = copies[k].done ? -1 : pss_kib(copies[k].pid);
			if (v < 0)
				break;
			sum += v;
			alive++;
		}
		if (alive == n) {
			samples++;
			if (sum > peak)
				peak = sum;
		}
		for (int k = 0; k < n; k++)
			if (!copies[k].done && waitpid(copies[k].pid, &copies[k].status, WNOHANG) == copies[k].pid) {
				copies[k].done = 1;
				running--;
			}
	}
	if (stats)
		collect_stats(stats, (int)n);

	int rc = 0;
	for (int k = 0; k < n && !rc; k++) {
		int st = copies[k].status;
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	struct result_line r;
	char err[256];
	if (output && result_line_find(output, &r, err, sizeof(err)) == 0)
		print_result(&r, (int)n, peak, samples);
	else
		fprintf(stderr, "fanout: %s\n", output ? err : "the copies printed nothing");
	fflush(stdout);
	free(output);
	return rc;
}
