#define _GNU_SOURCE
#include <errno.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "evtchn.h"

void evtchn_init(struct evtchn *e, const atomic_int *stopping)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&e->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&e->cond, &attr);
	pthread_condattr_destroy(&attr);
	e->page = NULL;
	e->vm_fd = -1;
	e->notify_fd = -1;
	e->stopping = stopping;
}

void evtchn_bind_vm(struct evtchn *e, int vm_fd, struct lw_evtchn_page *page)
{
	e->vm_fd = vm_fd;
	e->page = page;
}

void evtchn_destroy(struct evtchn *e)
{
	if (e->notify_fd >= 0)
		close(e->notify_fd);
	e->notify_fd = -1;
}

uint64_t evtchn_doorbell_gpa(int port)
{
	return LW_DOORBELL_GPA + DOORBELL_EVTCHN + 8ULL * (uint64_t)port;
}

int evtchn_doorbell_port(uint64_t gpa, int nports)
{
	if (gpa < evtchn_doorbell_gpa(0) || gpa >= evtchn_doorbell_gpa(nports) || gpa % 8)
		return -1;
	return (int)((gpa - evtchn_doorbell_gpa(0)) / 8);
}

static int bind_eventfd(int vm_fd, uint64_t gpa, int flags)
{
	int fd = eventfd(0, EFD_CLOEXEC | flags);
	struct kvm_ioeventfd io = { .addr = gpa, .len = 8, .fd = fd };

	if (fd < 0)
		return -1;
	if (ioctl(vm_fd, KVM_IOEVENTFD, &io) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int evtchn_bind_doorbell(struct evtchn *e, int port)
{
	return bind_eventfd(e->vm_fd, evtchn_doorbell_gpa(port), 0);
}

/*
 * Registered on first use (that first write exits as MMIO), because an
 * ioeventfd makes the VM's teardown wait for an SRCU grace period: about
 * 5-9 ms on the PVM development hosts, a third of a short run.
 */
int evtchn_register_notify(struct evtchn *e)
{
	int ret = 0;

	pthread_mutex_lock(&e->lock);
	if (e->notify_fd < 0) {
		e->notify_fd = bind_eventfd(e->vm_fd, LW_DOORBELL_GPA + DOORBELL_NOTIFY, EFD_NONBLOCK);
		ret = e->notify_fd < 0 ? -1 : 0;
	}
	pthread_mutex_unlock(&e->lock);
	return ret;
}

void evtchn_raise(void *ctx, int port)
{
	struct evtchn *e = ctx;

	__atomic_fetch_or(&e->page->pending, 1ULL << port, __ATOMIC_SEQ_CST);
	evtchn_wake_all(e);
}

void evtchn_wake_all(struct evtchn *e)
{
	pthread_mutex_lock(&e->lock);
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

static uint64_t now_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t evtchn_wait(struct evtchn *e, uint64_t mask, uint64_t timeout_ns)
{
	uint64_t end = now_monotonic_ns() + timeout_ns, pending;
	struct timespec deadline = { .tv_sec = (time_t)(end / 1000000000ULL),
				     .tv_nsec = (long)(end % 1000000000ULL) };

	pthread_mutex_lock(&e->lock);
	while (!((pending = __atomic_load_n(&e->page->pending, __ATOMIC_SEQ_CST)) & mask) &&
	       !atomic_load(e->stopping)) {
		if (!timeout_ns)
			pthread_cond_wait(&e->cond, &e->lock);
		else if (pthread_cond_timedwait(&e->cond, &e->lock, &deadline) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&e->lock);
	return pending & mask;
}
