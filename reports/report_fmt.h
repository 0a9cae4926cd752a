/* Small formatting helpers shared by the report writers. */
#ifndef REPORTS_REPORT_FMT_H
#define REPORTS_REPORT_FMT_H

#include <stddef.h>
#include <jansson.h>

/* A number with about four significant digits, without exponent for usual sizes. */
const char *fmt_num(char *buf, size_t len, double v);
/* "12.3%" with sign only when negative. */
const char *fmt_pct(char *buf, size_t len, double v);
/* A string field of an object, or `def`. */
const char *str_or(json_t *obj, const char *key, const char *def);
/* Text safe inside a Markdown table cell (no '|' or newlines). */
const char *md_cell(char *buf, size_t len, const char *text);

/* reports/references.json, or NULL with err. */
json_t *references_load(char *err, size_t errlen);
/* "[Disco 1997]" style label of a source key. */
const char *ref_label(json_t *refs, const char *source);

#endif
