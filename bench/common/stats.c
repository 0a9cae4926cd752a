/*
 * Median, quartiles, mean and standard deviation. Quartiles interpolate
 * between neighbouring order statistics (R's default "type 7"), so the
 * median of an even sample is the mean of its two middle values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A sorted copy of x (caller frees), or NULL when n == 0 or out of memory. */
static double *sorted_copy(const double *x, size_t n)
{
	double *sorted = n ? malloc(n * sizeof(*sorted)) : NULL;

	if (!sorted)
		return NULL;
	memcpy(sorted, x, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), compare_doubles);
	return sorted;
}

double stats_quantile_sorted(const double *sorted, size_t n, double p)
{
	double pos = p * (double)(n - 1);
	size_t lo = (size_t)floor(pos);
	double frac = pos - (double)lo;

	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

int stats_compute(const double *x, size_t n, struct stats *out)
{
	double *sorted, sum = 0, squares = 0;

	memset(out, 0, sizeof(*out));
	sorted = sorted_copy(x, n);
	if (!sorted)
		return -1;

	for (size_t i = 0; i < n; i++)
		sum += sorted[i];
	out->n = n;
	out->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		squares += (sorted[i] - out->mean) * (sorted[i] - out->mean);
	out->stddev = n > 1 ? sqrt(squares / (double)(n - 1)) : 0;
	out->min = sorted[0];
	out->max = sorted[n - 1];
	out->median = stats_quantile_sorted(sorted, n, 0.5);
	out->q1 = stats_quantile_sorted(sorted, n, 0.25);
	out->q3 = stats_quantile_sorted(sorted, n, 0.75);
	free(sorted);
	return 0;
}

/* P(X = i) for X ~ binomial(n, 1/2), by logarithms so that large n do not underflow. */
static double binomial_half_pmf(size_t n, size_t i)
{
	return exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
		   lgamma((double)(n - i) + 1) - (double)n * log(2.0));
}

double stats_median_ci(const double *x, size_t n, double level, double *lo, double *hi)
{
	double *sorted, coverage, cdf;
	size_t k = 1;   /* 1-based rank of the lower end */

	sorted = n < 2 ? NULL : sorted_copy(x, n);
	if (!sorted)
		return -1;
	/*
	 * [x(k), x(n+1-k)] misses the median when k or more values lie on one
	 * side of it: coverage is 1 - 2 P(X <= k - 1). cdf is P(X <= k - 1),
	 * the terms added from i = 0 up, one more per step.
	 */
	cdf = binomial_half_pmf(n, 0);
	coverage = 1 - 2 * cdf;
	while (2 * (k + 1) <= n) {
		cdf += binomial_half_pmf(n, k);
		double next = 1 - 2 * cdf;
		if (next < level)
			break;
		k++;
		coverage = next;
	}
	*lo = sorted[k - 1];
	*hi = sorted[n - k];
	free(sorted);
	return coverage;
}
