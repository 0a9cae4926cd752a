/*
 * stress-ng --yaml, read with libyaml's document API: the entry of
 * `metrics:` whose `stressor` is ours. The headline is
 * bogo-ops-per-second-real-time; a run with no bogo ops failed even when
 * stress-ng says it succeeded (it does so when a cgroup starves it).
 * Every numeric key of the entry becomes a metric (dashes to underscores).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "tool.h"

static const char *scalar(yaml_document_t *doc, int id)
{
	yaml_node_t *n = yaml_document_get_node(doc, id);

	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value node of key in a mapping node, or NULL. */
static yaml_node_t *lookup(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(doc, p->key);
		if (k && !strcmp(k, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static void add_metrics(yaml_document_t *doc, yaml_node_t *entry, struct tool_result *r)
{
	static const char *const keep[] = { "bogo-ops", "bogo-ops-per-second-usr-sys-time",
		"wall-clock-time", "user-time", "system-time", "cpu-usage-per-instance",
		"max-rss", NULL };

	for (yaml_node_pair_t *p = entry->data.mapping.pairs.start;
	     p < entry->data.mapping.pairs.top; p++) {
		const char *k = scalar(doc, p->key), *v = scalar(doc, p->value);
		char key[48], *end;
		int wanted = k && !strncmp(k, "nanosecs-per", 12);

		for (int i = 0; k && keep[i]; i++)
			wanted |= !strcmp(k, keep[i]);
		if (!wanted || !v)
			continue;
		double value = strtod(v, &end);
		if (end == v || *end)
			continue;
		snprintf(key, sizeof(key), "%s", k);
		for (char *c = key; *c; c++)
			if (*c == '-')
				*c = '_';
		tool_metric(r, key, value);
	}
}

int stressng_parse(const char *text, const char *stressor, struct tool_result *r,
		   char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (!text) {
		snprintf(err, errlen, "no stress-ng YAML output");
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "bad YAML: %s (line %zu)",
			 parser.problem ? parser.problem : "?", parser.problem_mark.line + 1);
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_node_t *metrics = lookup(&doc, yaml_document_get_root_node(&doc), "metrics");
	if (!metrics || metrics->type != YAML_SEQUENCE_NODE) {
		snprintf(err, errlen, "stress-ng YAML has no metrics: section");
		goto out;
	}
	for (yaml_node_item_t *i = metrics->data.sequence.items.start;
	     i < metrics->data.sequence.items.top; i++) {
		yaml_node_t *entry = yaml_document_get_node(&doc, *i);
		yaml_node_t *name = lookup(&doc, entry, "stressor");
		if (!name || name->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)name->data.scalar.value, stressor))
			continue;
		yaml_node_t *rate = lookup(&doc, entry, "bogo-ops-per-second-real-time");
		yaml_node_t *ops = lookup(&doc, entry, "bogo-ops");
		double bogo = ops && ops->type == YAML_SCALAR_NODE ?
			strtod((const char *)ops->data.scalar.value, NULL) : 0;
		if (!rate || rate->type != YAML_SCALAR_NODE || !(bogo > 0)) {
			snprintf(err, errlen, "stressor %s did no work (0 bogo ops)", stressor);
			goto out;
		}
		r->score = strtod((const char *)rate->data.scalar.value, NULL);
		if (!isfinite(r->score)) {
			snprintf(err, errlen, "stressor %s: bogo-ops-per-second-real-time is not a finite number",
				 stressor);
			goto out;
		}
		r->ok = 1;
		snprintf(r->unit, sizeof(r->unit), "bogo-ops/s");
		add_metrics(&doc, entry, r);
		rc = 0;
		goto out;
	}
	snprintf(err, errlen, "stress-ng YAML has no metrics for stressor %s", stressor);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}
