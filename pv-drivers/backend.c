#include <stdio.h>
#include <unistd.h>

#include "backend.h"

void backend_thread_stop(atomic_int *stop, int kick_fd, pthread_t thread, const char *what)
{
	uint64_t one = 1;

	atomic_store(stop, 1);
	if (write(kick_fd, &one, sizeof(one)) < 0)
		fprintf(stderr, "lwvmm: waking the %s back end: cannot write its eventfd\n", what);
	pthread_join(thread, NULL);
}
