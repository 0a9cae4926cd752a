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

/*
 * A distribution-free confidence interval for the median of a sample: its
 * k-th smallest and k-th largest values, with k as large as keeps the
 * chance that the median lies between them at least `level` (the sign
 * test's interval: the count of values below the median is binomial(n, 1/2)).
 * Returns the coverage reached, which is below `level` only when n is too
 * small for it (then the interval is min - max: 93.75% for n = 5); -1 when
 * n < 2. Does not modify x.
 */
double stats_median_ci(const double *x, size_t n, double level, double *lo, double *hi);

#endif
