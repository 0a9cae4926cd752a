/* `vmbench report DIR`: results.jsonl + environment.json -> report.md, report.html. */
#ifndef REPORTS_REPORT_H
#define REPORTS_REPORT_H

int cmd_report(int argc, char **argv);

#endif
