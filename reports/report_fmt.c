/* Number formatting and the reference figures file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "report_fmt.h"

const char *fmt_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (a < 1e15 && v == (double)(long long)v)
		snprintf(buf, len, "%lld", (long long)v); /* counts, sizes */
	else if (a >= 100000 || (a > 0 && a < 0.001))
		snprintf(buf, len, "%.3e", v);
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 100)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3f", v);
	return buf;
}

const char *fmt_pct(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.1f%%", fabs(v) < 0.05 ? 0.0 : v);
	return buf;
}

const char *str_or(json_t *obj, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : def;
}

const char *md_cell(char *buf, size_t len, const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p && n + 3 < len; p++) {
		if (*p == '|') {
			buf[n++] = '\\';
			buf[n++] = '|';
		} else {
			buf[n++] = (*p == '\n' || *p == '\r') ? ' ' : *p;
		}
	}
	buf[n] = '\0';
	return buf;
}

json_t *references_load(char *err, size_t errlen)
{
	char *path = paths_data("references.json");
	json_error_t jerr;
	json_t *refs = json_load_file(path, 0, &jerr);

	if (!refs)
		snprintf(err, errlen, "%s: %s", path, jerr.text);
	free(path);
	return refs;
}

const char *ref_label(json_t *refs, const char *source)
{
	json_t *s = json_object_get(json_object_get(refs, "sources"), source);

	return str_or(s, "label", source);
}
