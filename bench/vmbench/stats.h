/* Summary statistics of a sample of measurements. */
#ifndef VMBENCH_STATS_H
#define VMBENCH_STATS_H

#include <stddef.h>

struct stats {
	size_t n;
	double min, max, mean;
	double median, q1, q3;  /* quartiles by linear interpolation */
	double stddev;          /* sample standard deviation (n - 1); 0 when n == 1 */
};

/* Returns 0, or -1 (and a zeroed *out) when n == 0. Does not modify x. */
int stats_compute(const double *x, size_t n, struct stats *out);

/* The p-quantile (0 <= p <= 1) of an ascending sample, n >= 1. */
double stats_quantile_sorted(const double *sorted, size_t n, double p);

#endif
