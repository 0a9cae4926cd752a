/* The domain file's parser (domain_file.h), with jansson. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "domain_file.h"
#include "options.h"

static const char *const known_keys[] = { "name", "cpus", "mem", "workload", "args", "disk", "net", NULL };

/* "domain 'web' (#2)" or "domain #2" before it has a name. */
static void domain_label(char *buf, size_t len, int index, const char *name)
{
	if (name && *name)
		snprintf(buf, len, "domain '%s' (#%d)", name, index + 1);
	else
		snprintf(buf, len, "domain #%d", index + 1);
}

static int fail(char *why, size_t why_len, const char *fmt, const char *a, const char *b)
{
	snprintf(why, why_len, fmt, a, b);
	return -1;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= DOMAIN_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

static int known_workload(const struct domain_limits *lim, const char *name)
{
	for (int i = 0; lim->workloads && lim->workloads[i]; i++) {
		if (strcmp(lim->workloads[i], name) == 0)
			return 1;
	}
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* "mem": a size string ("256M") or a positive number of bytes. */
static int parse_mem(json_t *v, const struct domain_limits *lim, uint64_t *out, const char *who,
		     char *why, size_t why_len)
{
	char range[96];

	snprintf(range, sizeof(range), "a multiple of %lluM between %lluM and %lluG",
		 (unsigned long long)(lim->mem_align >> 20), (unsigned long long)(lim->min_mem >> 20),
		 (unsigned long long)(lim->max_mem >> 30));
	if (json_is_string(v)) {
		if (parse_size(json_string_value(v), out) != 0)
			return fail(why, why_len, "%s: \"mem\" is not a size such as 256M or 2G (give %s)", who, range);
	} else if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = (uint64_t)json_integer_value(v);
	} else {
		return fail(why, why_len, "%s: \"mem\" must be a size string such as \"256M\" or a number of bytes (%s)",
			    who, range);
	}
	if (*out < lim->min_mem || *out > lim->max_mem || (lim->mem_align && *out % lim->mem_align))
		return fail(why, why_len, "%s: \"mem\" is impossible: give %s", who, range);
	return 0;
}

static int parse_args(json_t *v, struct domain_spec *d, const char *who, char *why, size_t why_len)
{
	size_t i;
	json_t *a;

	if (!json_is_array(v))
		return fail(why, why_len, "%s: \"args\" must be a list of strings%s", who, "");
	d->argv = calloc(json_array_size(v) + 1, sizeof(char *));
	if (!d->argv)
		return fail(why, why_len, "%s: out of memory%s", who, "");
	json_array_foreach(v, i, a) {
		if (!json_is_string(a))
			return fail(why, why_len, "%s: \"args\" must be a list of strings%s", who, "");
		d->argv[d->argc] = strdup(json_string_value(a));
		if (!d->argv[d->argc])
			return fail(why, why_len, "%s: out of memory%s", who, "");
		d->argc++;
	}
	return 0;
}

static int optional_string(json_t *obj, const char *key, char **out, const char *who, char *why, size_t why_len)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_string(v) || !*json_string_value(v)) {
		char k[16];
		snprintf(k, sizeof(k), "%s", key);
		return fail(why, why_len, "%s: \"%s\" must be a non-empty string (a --disk/--net spec)", who, k);
	}
	*out = dup_or_null(json_string_value(v));
	return *out ? 0 : fail(why, why_len, "%s: out of memory%s", who, "");
}

static int parse_domain(json_t *obj, int index, const struct domain_limits *lim, struct domain_spec *d,
			char *why, size_t why_len)
{
	char who[80];
	const char *key;
	json_t *v;

	domain_label(who, sizeof(who), index, NULL);
	if (!json_is_object(obj))
		return fail(why, why_len, "%s: each domain must be an object {\"name\": ..., \"workload\": ...}%s", who, "");
	v = json_object_get(obj, "name");
	if (!v)
		return fail(why, why_len, "%s: \"name\" is missing%s", who, "");
	if (!json_is_string(v) || !valid_name(json_string_value(v)))
		return fail(why, why_len, "%s: \"name\" must be 1 to 31 letters, digits, '-', '_' or '.'%s", who, "");
	snprintf(d->name, sizeof(d->name), "%s", json_string_value(v));
	domain_label(who, sizeof(who), index, d->name);
	json_object_foreach(obj, key, v) {
		int known = 0;
		for (int k = 0; known_keys[k]; k++)
			known |= strcmp(key, known_keys[k]) == 0;
		if (!known)
			return fail(why, why_len, "%s: unknown key \"%s\" (known: name, cpus, mem, workload, args, disk, net)",
				    who, key);
	}
	d->ncpus = 1;
	if ((v = json_object_get(obj, "cpus"))) {
		char max[16];
		snprintf(max, sizeof(max), "%d", lim->max_cpus);
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > lim->max_cpus)
			return fail(why, why_len, "%s: \"cpus\" must be a whole number from 1 to %s", who, max);
		d->ncpus = (int)json_integer_value(v);
	}
	d->mem_size = 256ULL << 20;
	if ((v = json_object_get(obj, "mem")) && parse_mem(v, lim, &d->mem_size, who, why, why_len) < 0)
		return -1;
	v = json_object_get(obj, "workload");
	if (!v)
		return fail(why, why_len, "%s: \"workload\" is missing%s", who, "");
	if (!json_is_string(v) || !known_workload(lim, json_string_value(v)))
		return fail(why, why_len, "%s: \"workload\" is not a known workload (lwvmm --help lists them)%s", who, "");
	d->workload = strdup(json_string_value(v));
	if (!d->workload)
		return fail(why, why_len, "%s: out of memory%s", who, "");
	if ((v = json_object_get(obj, "args"))) {
		if (parse_args(v, d, who, why, why_len) < 0)
			return -1;
	} else if (!(d->argv = calloc(1, sizeof(char *)))) {
		return fail(why, why_len, "%s: out of memory%s", who, "");
	}
	if (optional_string(obj, "disk", &d->disk, who, why, why_len) < 0 ||
	    optional_string(obj, "net", &d->net, who, why, why_len) < 0)
		return -1;
	return 0;
}

/* The list itself: a top-level array, or an object whose only key is "domains". */
static json_t *domain_list(json_t *root, char *why, size_t why_len)
{
	if (json_is_array(root))
		return root;
	if (json_is_object(root)) {
		const char *key;
		json_t *v;
		json_object_foreach(root, key, v) {
			if (strcmp(key, "domains") != 0) {
				fail(why, why_len, "unknown top-level key \"%s\" (the file is a list of domains, "
				     "or {\"domains\": [...]})%s", key, "");
				return NULL;
			}
		}
		v = json_object_get(root, "domains");
		if (json_is_array(v))
			return v;
	}
	fail(why, why_len, "the file must be a list of domains [{\"name\": ..., \"workload\": ...}, ...]%s%s", "", "");
	return NULL;
}

int domain_file_parse(const char *text, size_t len, const struct domain_limits *lim,
		      struct domain_spec **out, char *why, size_t why_len)
{
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	json_t *list;
	struct domain_spec *specs = NULL;
	int n = 0;

	*out = NULL;
	if (!root) {
		snprintf(why, why_len, "not valid JSON: %s (line %d, column %d)", err.text, err.line, err.column);
		return -1;
	}
	if (!(list = domain_list(root, why, why_len)))
		goto bad;
	n = (int)json_array_size(list);
	if (n == 0) {
		snprintf(why, why_len, "the list of domains is empty: give at least one");
		goto bad;
	}
	if (n > lim->max_domains) {
		snprintf(why, why_len, "%d domains: at most %d", n, lim->max_domains);
		goto bad;
	}
	specs = calloc((size_t)n, sizeof(*specs));
	if (!specs) {
		snprintf(why, why_len, "out of memory");
		goto bad;
	}
	for (int i = 0; i < n; i++) {
		if (parse_domain(json_array_get(list, (size_t)i), i, lim, &specs[i], why, why_len) < 0)
			goto bad;
		for (int k = 0; k < i; k++) {
			if (strcmp(specs[k].name, specs[i].name) == 0) {
				char who[80];
				domain_label(who, sizeof(who), i, specs[i].name);
				snprintf(why, why_len, "%s: the name is already domain #%d's: names must differ", who, k + 1);
				goto bad;
			}
		}
	}
	json_decref(root);
	*out = specs;
	return n;
bad:
	domain_specs_free(specs, n);
	json_decref(root);
	return -1;
}

void domain_specs_free(struct domain_spec *specs, int n)
{
	if (!specs)
		return;
	for (int i = 0; i < n; i++) {
		for (int a = 0; specs[i].argv && a < specs[i].argc; a++)
			free(specs[i].argv[a]);
		free(specs[i].argv);
		free(specs[i].workload);
		free(specs[i].disk);
		free(specs[i].net);
	}
	free(specs);
}
