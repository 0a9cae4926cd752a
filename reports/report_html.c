/*
 * Markdown (the subset report_md.c writes) to HTML. Converting our own
 * output keeps one source of truth for the report's content.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"

static const char style[] =
	"body{font-family:sans-serif;max-width:72em;margin:1em auto;padding:0 1em;color:#222}"
	"table{border-collapse:collapse;margin:.5em 0}"
	"th,td{border:1px solid #ccc;padding:.2em .5em}th{background:#f0f0f0}"
	"td.r{text-align:right;font-variant-numeric:tabular-nums}"
	"code{background:#f4f4f4;padding:0 .2em}img{max-width:100%}";

/* Text with &<> escaped, `code` spans and **bold** (the report's warnings). */
static void inline_text(FILE *out, const char *s, size_t len)
{
	int in_code = 0, in_bold = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\\' && i + 1 < len && s[i + 1] == '|')
			continue; /* "\|" in a table cell is a plain '|' */
		if (c == '*' && !in_code && i + 1 < len && s[i + 1] == '*') {
			fputs(in_bold ? "</strong>" : "<strong>", out);
			in_bold = !in_bold;
			i++;
		} else if (c == '`') {
			fputs(in_code ? "</code>" : "<code>", out);
			in_code = !in_code;
		} else if (c == '&') {
			fputs("&amp;", out);
		} else if (c == '<') {
			fputs("&lt;", out);
		} else if (c == '>') {
			fputs("&gt;", out);
		} else {
			fputc(c, out);
		}
	}
	if (in_code)
		fputs("</code>", out);
	if (in_bold)
		fputs("</strong>", out);
}

/* Split "| a | b \| c |" into cells; returns the count, at most max. */
static int split_row(char *line, char **cells, int max)
{
	int n = 0;
	char *p = line + strspn(line, " ");

	if (*p == '|')
		p++;
	while (*p && n < max) {
		char *start = p;
		while (*p && !(*p == '|' && (p == start || p[-1] != '\\')))
			p++;
		if (!*p && p == start)
			break;
		char *end = p, *next = *p ? p + 1 : p;
		while (end > start && end[-1] == ' ')
			end--;
		while (start < end && *start == ' ')
			start++;
		*end = '\0'; /* may overwrite the '|' itself: next was taken first */
		cells[n++] = start;
		p = next;
		if (!*p || *p == '\n')
			break;
	}
	return n;
}

static void table(FILE *out, char **rows, int nrows)
{
	char *cells[32];
	int right[32] = { 0 };
	int ncols;

	/* row 1 is the alignment row: "---:" means right-aligned */
	if (nrows >= 2) {
		char *copy = strdup(rows[1]);
		ncols = split_row(copy, cells, 32);
		for (int c = 0; c < ncols; c++)
			right[c] = cells[c][0] && cells[c][strlen(cells[c]) - 1] == ':';
		free(copy);
	}
	fputs("<table>\n", out);
	for (int r = 0; r < nrows; r++) {
		if (r == 1)
			continue;
		ncols = split_row(rows[r], cells, 32);
		fputs("<tr>", out);
		for (int c = 0; c < ncols; c++) {
			fprintf(out, r == 0 ? "<th>" : (right[c] ? "<td class=\"r\">" : "<td>"));
			inline_text(out, cells[c], strlen(cells[c]));
			fputs(r == 0 ? "</th>" : "</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

int report_html_write(FILE *md, FILE *html, const char *title)
{
	char *line = NULL, *rows[512];
	size_t cap = 0;
	int nrows = 0, in_list = 0, in_para = 0;
	ssize_t len;

	fprintf(html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
	inline_text(html, title, strlen(title));
	fprintf(html, "</title><style>%s</style></head><body>\n", style);
	for (;;) {
		len = getline(&line, &cap, md);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		int is_row = len > 0 && line[0] == '|';
		if (nrows && (!is_row || nrows == 512)) {
			table(html, rows, nrows);
			for (int i = 0; i < nrows; i++)
				free(rows[i]);
			nrows = 0;
		}
		if (len < 0)
			break;
		int is_item = !strncmp(line, "- ", 2);
		if (in_list && !is_item) {
			fputs("</ul>\n", html);
			in_list = 0;
		}
		if (in_para && (len == 0 || is_row || is_item || line[0] == '#')) {
			fputs("</p>\n", html);
			in_para = 0;
		}
		if (is_row) {
			rows[nrows++] = strdup(line);
		} else if (line[0] == '#') {
			int level = (int)strspn(line, "#");
			fprintf(html, "<h%d>", level);
			inline_text(html, line + level + 1, strlen(line + level + 1));
			fprintf(html, "</h%d>\n", level);
		} else if (is_item) {
			if (!in_list)
				fputs("<ul>\n", html);
			in_list = 1;
			fputs("<li>", html);
			inline_text(html, line + 2, (size_t)len - 2);
			fputs("</li>\n", html);
		} else if (!strncmp(line, "![", 2) && strstr(line, "](")) {
			char *mid = strstr(line, "](");
			fputs("<p><img alt=\"", html);
			inline_text(html, line + 2, (size_t)(mid - line - 2));
			fputs("\" src=\"", html);
			inline_text(html, mid + 2, strcspn(mid + 2, ")"));
			fputs("\"></p>\n", html);
		} else if (len > 0) {
			fputs(in_para ? "\n" : "<p>", html);
			in_para = 1;
			inline_text(html, line, (size_t)len);
		}
	}
	if (in_list)
		fputs("</ul>\n", html);
	if (in_para)
		fputs("</p>\n", html);
	fputs("</body></html>\n", html);
	free(line);
	return ferror(html) ? -1 : 0;
}
