/*
 * fio --output-format=json and iperf3 --json, read with jansson.
 * fio: the headline is read+write IOPS summed over jobs; the run fails on a
 * job's non-zero `error` or no I/O at all. fio may print "fio: ..." lines
 * before the JSON (axboe/fio#731), so parsing starts at the first '{'.
 * iperf3: the headline is end.sum_received.bits_per_second in Gbit/s; with
 * --json a failed run still exits 0 and sets `error` (esnet/iperf#1405).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "tool.h"

/*
 * A metric for the result line. One vmbench would refuse (a key with a
 * character outside [a-z0-9_], a key it has already: a YAML mapping may
 * repeat one, or a value that is not finite: strtod reads "inf") is left
 * out, so that the tool's odd output cannot fail a good run.
 */
void tool_metric(struct tool_result *r, const char *key, double value)
{
	if (r->n >= TOOL_MAX_METRICS || !*key || !isfinite(value) ||
	    strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(key))
		return;
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->m[i].key, key))
			return;
	snprintf(r->m[r->n].key, sizeof(r->m[r->n].key), "%s", key);
	r->m[r->n++].value = value;
}

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static json_t *load(const char *text, char *err, size_t errlen)
{
	const char *start = text ? strchr(text, '{') : NULL;
	json_error_t jerr;
	json_t *doc;

	if (!start) {
		snprintf(err, errlen, "no JSON object in the output");
		return NULL;
	}
	doc = json_loads(start, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!doc)
		snprintf(err, errlen, "bad JSON: %s (line %d)", jerr.text, jerr.line);
	return doc;
}

int fio_parse(const char *text, struct tool_result *r, char *err, size_t errlen)
{
	json_t *doc = load(text, err, errlen), *jobs, *job;
	double iops[2] = { 0, 0 }, bw[2] = { 0, 0 }, p99[2] = { 0, 0 }, ios = 0;
	static const char *const dirs[2] = { "read", "write" };
	size_t i;

	memset(r, 0, sizeof(*r));
	if (!doc)
		return -1;
	jobs = json_object_get(doc, "jobs");
	if (!json_is_array(jobs) || json_array_size(jobs) == 0) {
		snprintf(err, errlen, "fio output has no jobs");
		json_decref(doc);
		return -1;
	}
	json_array_foreach(jobs, i, job) {
		json_int_t e = json_integer_value(json_object_get(job, "error"));
		if (e) {
			snprintf(err, errlen, "fio job %zu failed with error %lld (%s)", i,
				 (long long)e, strerror((int)e));
			json_decref(doc);
			return -1;
		}
		for (int d = 0; d < 2; d++) {
			json_t *io = json_object_get(job, dirs[d]);
			json_t *pct = json_object_get(json_object_get(io, "clat_ns"), "percentile");
			double v = num(pct, "99.000000") / 1000.0;
			iops[d] += num(io, "iops");
			bw[d] += num(io, "bw");
			ios += num(io, "total_ios");
			if (v > p99[d])
				p99[d] = v;
		}
	}
	json_decref(doc);
	if (!(ios > 0)) {
		snprintf(err, errlen, "fio did no I/O");
		return -1;
	}
	if (!isfinite(iops[0] + iops[1])) {
		snprintf(err, errlen, "fio reported IOPS beyond a double");
		return -1;
	}
	r->ok = 1;
	r->score = iops[0] + iops[1];
	snprintf(r->unit, sizeof(r->unit), "IOPS");
	tool_metric(r, "read_iops", iops[0]);
	tool_metric(r, "write_iops", iops[1]);
	tool_metric(r, "read_kibs", bw[0]);
	tool_metric(r, "write_kibs", bw[1]);
	tool_metric(r, "read_clat_p99_us", p99[0]);
	tool_metric(r, "write_clat_p99_us", p99[1]);
	return 0;
}

int iperf3_parse(const char *text, struct tool_result *r, char *err, size_t errlen)
{
	json_t *doc = load(text, err, errlen), *end, *recv, *sent, *cpu;
	const char *e;

	memset(r, 0, sizeof(*r));
	if (!doc)
		return -1;
	e = json_string_value(json_object_get(doc, "error"));
	if (e) {
		snprintf(err, errlen, "iperf3: %s", e);
		json_decref(doc);
		return -1;
	}
	end = json_object_get(doc, "end");
	recv = json_object_get(end, "sum_received");
	sent = json_object_get(end, "sum_sent");
	if (!json_is_object(recv) || num(recv, "bits_per_second") <= 0) {
		snprintf(err, errlen, "iperf3 output has no end.sum_received (UDP or empty run?)");
		json_decref(doc);
		return -1;
	}
	cpu = json_object_get(end, "cpu_utilization_percent");
	r->ok = 1;
	r->score = num(recv, "bits_per_second") / 1e9;
	snprintf(r->unit, sizeof(r->unit), "Gbit/s");
	tool_metric(r, "sent_gbits", num(sent, "bits_per_second") / 1e9);
	tool_metric(r, "retransmits", num(sent, "retransmits"));
	tool_metric(r, "recv_seconds", num(recv, "seconds"));
	tool_metric(r, "cpu_host_pct", num(cpu, "host_total"));
	tool_metric(r, "cpu_remote_pct", num(cpu, "remote_total"));
	json_decref(doc);
	return 0;
}
