/* report.html: the same content as report.md, for a browser. */
#ifndef REPORTS_REPORT_HTML_H
#define REPORTS_REPORT_HTML_H

#include <stdio.h>

/*
 * Converts the Markdown that report_md.c writes (headings, paragraphs,
 * "- " lists, pipe tables, images, `code`) to a standalone HTML page.
 * It is not a general Markdown converter.
 */
int report_html_write(FILE *md, FILE *html, const char *title);

#endif
