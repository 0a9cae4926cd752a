/*
 * The block back end thread. One loop, one place where it sleeps:
 * io_uring_submit_and_wait(), in one system call, submits the requests taken
 * and returns for a completed disk request or for the front end's
 * notification, which arrives as the completion of a read on the ioeventfd.
 * So the thread needs no epoll and no second wait point.
 *
 *   take requests -> check each -> queue them for io_uring
 *   push responses, notify the front end only if it asked (rsp_event)
 *   more to take? submit and go round again
 *   nothing left to take? ask to be notified (req_event), look once more
 *   submit and sleep until a completion or a kick
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blkback.h"

/* Every guest request is copied out of the ring, then checked (the copy is what is carried out). */
int blk_check_request(const struct blk_request *r, const struct blk_limits *l,
		      char *why, size_t why_len)
{
	if (r->op == BLK_OP_FLUSH)
		return 0;
	if (r->op != BLK_OP_READ && r->op != BLK_OP_WRITE) {
		snprintf(why, why_len, "unknown operation %u", r->op);
		return LW_EINVAL;
	}
	if (r->op == BLK_OP_WRITE && l->readonly) {
		snprintf(why, why_len, "write to a read-only disk");
		return LW_EROFS;
	}
	if (r->len == 0 || r->len > BLK_MAX_LEN || r->len % BLK_SECTOR || r->offset % BLK_SECTOR ||
	    r->buffer % BLK_SECTOR) {
		snprintf(why, why_len, "length %u, offset %llu or buffer 0x%llx not in whole sectors "
			 "(or above %u bytes)", r->len, (unsigned long long)r->offset,
			 (unsigned long long)r->buffer, BLK_MAX_LEN);
		return LW_EINVAL;
	}
	if (!guest_range_ok(l->disk_size, r->offset, r->len)) {
		snprintf(why, why_len, "bytes %llu+%u lie past the end of the disk",
			 (unsigned long long)r->offset, r->len);
		return LW_EINVAL;
	}
	char where[120];
	if (guest_io_check(l->mem, r->buffer, r->len, where, sizeof(where)) < 0) {
		snprintf(why, why_len, "buffer %s", where);
		return LW_EINVAL;
	}
	return 0;
}

int blk_take_request(struct ring_back *ring, const struct blk_limits *l,
		     struct blk_request *req, int *status, char *why, size_t why_len)
{
	int64_t waiting = ring_unconsumed_requests(ring);

	if (waiting < 0) {
		snprintf(why, why_len, "the request producer ran more than the ring's %u slots ahead "
			 "of the consumer", ring->nr_slots);
		return -1;
	}
	if (waiting == 0)
		return 0;
	memcpy(req, ring_next_request_slot(ring), sizeof(*req));
	ring_back_consume_request(ring);
	*status = blk_check_request(req, l, why, why_len);
	return 1;
}

#define KICK_TAG ((void *)1)   /* user_data of the read on the kick eventfd */

/*
 * The options after FILE, read in place: each is one of "ro", "direct" and
 * "share" (blk_share.h; O_DIRECT bypasses the page cache that sharing maps,
 * so not with "direct").
 * No copy, so no length limit but the argument's own, and no terminator to
 * find in a truncated buffer.
 */
static int parse_disk_options(struct blkback *b, const char *spec, const char *opts,
			      char *why, size_t why_len)
{
	for (const char *o = opts;; o += strcspn(o, ",") + 1) {
		size_t len = strcspn(o, ",");
		if (len == 2 && strncmp(o, "ro", 2) == 0) {
			b->readonly = 1;
		} else if (len == 6 && strncmp(o, "direct", 6) == 0) {
			b->direct = 1;
		} else if (len == 5 && strncmp(o, "share", 5) == 0) {
			b->share.on = 1;
		} else {
			/* The option first: `spec` may be long enough to be cut off. */
			snprintf(why, why_len, "--disk: %s option '%.*s' in '%s' (options: ro, direct, share)",
				 len ? "unknown" : "empty", (int)(len < 40 ? len : 40), o, spec);
			return -1;
		}
		if (o[len] == '\0')
			break;
	}
	if (b->share.on && b->direct) {
		snprintf(why, why_len, "--disk %s: ',share' with ',direct': sharing maps the page cache that "
			 "O_DIRECT bypasses; drop one", spec);
		return -1;
	}
	return 0;
}

/* What the user can do about a disk that would not open. */
static const char *open_hint(const struct blkback *b, int err)
{
	if (b->direct && err == EINVAL)
		return " (this file system has no O_DIRECT: drop ',direct')";
	if (!b->readonly && (err == EPERM || err == EACCES || err == EROFS))
		return " (the file is immutable or not writable; ,ro opens it read-only)";
	return "";
}

static int blkback_open(void *state, const char *spec, int port, char *why, size_t why_len)
{
	struct blkback *b = state;
	const char *comma = strchr(spec, ',');
	size_t len = comma ? (size_t)(comma - spec) : strlen(spec);
	struct stat st;

	(void)port;
	b->fd = b->kick_fd = -1;
	b->stats.ctxsw_voluntary = b->stats.ctxsw_involuntary = -1;   /* until the thread ends */
	pthread_mutex_init(&b->sync_lock, NULL);
	if (len == 0 || len >= sizeof(b->path)) {
		snprintf(why, why_len, "--disk '%.*s': give FILE[,ro][,direct][,share] with a FILE of 1 to %zu bytes",
			 (int)(len < 60 ? len : 60), spec, sizeof(b->path) - 1);
		return -1;
	}
	memcpy(b->path, spec, len);
	if (comma && parse_disk_options(b, spec, comma + 1, why, why_len) < 0)
		return -1;
	b->fd = open(b->path, (b->readonly ? O_RDONLY : O_RDWR) | (b->direct ? O_DIRECT : 0) | O_CLOEXEC);
	if (b->fd < 0) {
		snprintf(why, why_len, "--disk %s: %s%s", b->path, strerror(errno), open_hint(b, errno));
		return -1;
	}
	if (fstat(b->fd, &st) < 0) {
		snprintf(why, why_len, "--disk %s: %s", b->path, strerror(errno));
		return -1;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(b->fd, BLKGETSIZE64, &b->size) < 0)
			b->size = 0;
	} else if (S_ISREG(st.st_mode)) {
		b->size = (uint64_t)st.st_size;
	} else {
		snprintf(why, why_len, "--disk %s: not a regular file or block device", b->path);
		return -1;
	}
	if (b->share.on && S_ISBLK(st.st_mode)) {
		snprintf(why, why_len, "--disk %s: ',share' maps a regular file's pages; this is a block device", b->path);
		return -1;
	}
	if (b->share.on && blk_share_open(&b->share, b->fd, b->size, !b->readonly, why, why_len) < 0)
		return -1;
	b->size -= b->size % BLK_SECTOR;
	if (b->size == 0) {
		snprintf(why, why_len, "--disk %s: smaller than one 512-byte sector", b->path);
		return -1;
	}
	return 0;
}

static void respond(struct blkback *b, uint64_t id, int status, uint32_t len)
{
	struct blk_response rsp = { .id = id, .status = status, .len = status == 0 ? len : 0 };

	memcpy(ring_next_response_slot(&b->ring), &rsp, sizeof(rsp));
	ring_back_commit_response(&b->ring);
	if (status)
		b->stats.errors++;
}

static void mark_broken(struct blkback *b, const char *why)
{
	if (atomic_exchange(&b->broken, 1))
		return;
	b->ring.sring->broken = 1;
	fprintf(stderr, "lwvmm: block device %s marked broken: %s\n", b->path, why);
	b->guest->raise_event(b->guest->ctx, b->port);
}

static int free_inflight_slot(struct blkback *b)
{
	for (int i = 0; i < BLKBACK_DEPTH; i++) {
		if (!b->inflight[i].busy)
			return i;
	}
	return -1;
}

static void submit(struct blkback *b, const struct blk_request *req)
{
	void *buf = guest_io_ptr(b->guest->mem, req->buffer, req->len);

	/* ,share: the file's pages mapped over the buffer, no copy (blk_share.h). */
	if (buf && blk_share_request(&b->share, req, buf)) {
		respond(b, req->id, 0, req->len);
		b->stats.bytes += req->len;
		return;
	}
	int slot = free_inflight_slot(b);
	struct io_uring_sqe *sqe = io_uring_get_sqe(&b->uring);

	if (slot < 0 || !sqe || (req->op != BLK_OP_FLUSH && !buf)) {
		respond(b, req->id, LW_EIO, 0);
		return;
	}
	if (req->op == BLK_OP_READ)
		io_uring_prep_read(sqe, b->fd, buf, req->len, req->offset);
	else if (req->op == BLK_OP_WRITE)
		io_uring_prep_write(sqe, b->fd, buf, req->len, req->offset);
	else
		io_uring_prep_fsync(sqe, b->fd, IORING_FSYNC_DATASYNC);
	b->inflight[slot] = (struct blk_inflight){ .id = req->id,
		.len = req->op == BLK_OP_FLUSH ? 0 : req->len, .busy = 1 };
	io_uring_sqe_set_data(sqe, &b->inflight[slot]);
	b->in_flight++;
	b->stats.submitted++;
}

/*
 * Takes what the ring holds, up to the in-flight limit. A guest that never
 * stops producing only keeps this thread busy: every pass is bounded by the
 * ring's size and answers what it took.
 */
static void take_requests(struct blkback *b)
{
	struct blk_request req;
	char why[160];
	int status, got;

	for (uint32_t n = 0; n < b->ring.nr_slots && b->in_flight < BLKBACK_DEPTH; n++) {
		got = blk_take_request(&b->ring, &b->limits, &req, &status, why, sizeof(why));
		if (got < 0)
			mark_broken(b, why);
		if (got <= 0)
			return;
		b->stats.requests++;
		if (status)
			respond(b, req.id, status, 0);
		else
			submit(b, &req);
	}
}

static void arm_kick(struct blkback *b)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&b->uring);
	if (!sqe)
		return;
	io_uring_prep_read(sqe, b->kick_fd, &b->kick_value, sizeof(b->kick_value), 0);
	io_uring_sqe_set_data(sqe, KICK_TAG);
}

static void complete(struct blkback *b, struct io_uring_cqe *cqe)
{
	void *data = io_uring_cqe_get_data(cqe);

	if (data == KICK_TAG) {
		if (cqe->res == sizeof(b->kick_value))
			b->stats.kicks += b->kick_value;
		if (!atomic_load(&b->stop))
			arm_kick(b);
		return;
	}
	struct blk_inflight *f = data;
	int status = cqe->res == (int)f->len ? 0 : LW_EIO;
	if (cqe->res == -ENOSPC || cqe->res == -EDQUOT)
		b->stats.enospc++;
	respond(b, f->id, status, f->len);
	b->stats.bytes += status == 0 ? f->len : 0;
	f->busy = 0;
	b->in_flight--;
}

static void push_responses(struct blkback *b)
{
	if (ring_push_responses_and_check_notify(&b->ring)) {
		b->stats.notifies++;
		b->guest->raise_event(b->guest->ctx, b->port);
	}
}

/*
 * Before sleeping: is there more to take? With requests in flight, a
 * completion will wake the thread anyway and it will look at the ring then,
 * so it does not ask the front end for a notification (req_event stays
 * behind): a busy device costs no doorbell writes at all. Only an idle back
 * end, which nothing else would wake, asks to be notified.
 */
static int look_again(struct blkback *b)
{
	if (b->in_flight > 0)
		return ring_unconsumed_requests(&b->ring) != 0;
	return ring_final_check_for_requests(&b->ring) != 0;
}

static uint64_t clock_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/*
 * The time-weighted number of requests in flight on the host (what the disk
 * is given to work on; fio keeps it at --qd). Called before and after every
 * sleep: the count changes while the thread is awake, which is short
 * beside the sleeps at depth, so the awake time counts at the new value.
 */
static void account_depth(struct blkback *b)
{
	uint64_t now = clock_ns();

	if (b->depth_since_ns) {
		double dt = (double)(now - b->depth_since_ns) / 1e9;
		b->stats.depth_area += dt * b->depth_then;
		b->stats.depth_seconds += dt;
	}
	b->depth_since_ns = now;
	b->depth_then = b->in_flight;
}

/* The thread's own context switches, for the per-request costs in the statistics. */
static void record_context_switches(struct blkback *b)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) == 0) {
		b->stats.ctxsw_voluntary = ru.ru_nvcsw;
		b->stats.ctxsw_involuntary = ru.ru_nivcsw;
	}
}

static void *blkback_thread(void *arg)
{
	struct blkback *b = arg;
	struct io_uring_cqe *cqe;

	if (b->guest->confine_thread)
		b->guest->confine_thread();
	arm_kick(b);
	for (;;) {
		int stopping = atomic_load(&b->stop);
		if (stopping && b->in_flight == 0)
			break;
		if (!stopping && !atomic_load(&b->broken))
			take_requests(b);
		push_responses(b);
		if (!stopping && !atomic_load(&b->broken) && b->in_flight < BLKBACK_DEPTH &&
		    look_again(b)) {
			io_uring_submit(&b->uring);
			continue;
		}
		/*
		 * Submit and sleep in one io_uring_enter; with a completion already
		 * there, a plain submit (no system call when nothing is queued).
		 * io_uring_wait_cqe() then finds the completion without a system
		 * call. It sleeps itself only if that wait was interrupted or the
		 * kernel refused the submission (short of memory), so those cases
		 * end as a separate submit and wait would.
		 */
		if (io_uring_cq_ready(&b->uring)) {
			io_uring_submit(&b->uring);
		} else {
			b->stats.waits++;
			account_depth(b);
			io_uring_submit_and_wait(&b->uring, 1);
			account_depth(b);
		}
		int r = io_uring_wait_cqe(&b->uring, &cqe);
		if (r == -EINTR)
			continue;
		if (r < 0) {
			mark_broken(b, "io_uring_wait_cqe failed");
			break;
		}
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&b->uring, head, cqe) {
			complete(b, cqe);
			seen++;
		}
		io_uring_cq_advance(&b->uring, seen);
	}
	push_responses(b);
	record_context_switches(b);
	return NULL;
}

static int blkback_attach(void *state, struct pv_guest *g, uint64_t ring_gpa, uint64_t ring_bytes,
			  int port, int kick_fd, char *why, size_t why_len)
{
	struct blkback *b = state;
	struct ring_shared *s = guest_ptr(g->mem, ring_gpa, ring_bytes);
	uint32_t slots = ring_slots_for(ring_bytes, BLK_SLOT_SIZE);

	/* errno on failure: EINVAL for the guest's mistake, else the host's cause (devices.c). */
	if (!s || slots == 0) {
		snprintf(why, why_len, "block ring 0x%llx+%llu is not in guest RAM",
			 (unsigned long long)ring_gpa, (unsigned long long)ring_bytes);
		errno = EINVAL;
		return -1;
	}
	int r = io_uring_queue_init(2 * BLKBACK_DEPTH, &b->uring, 0);
	if (r < 0) {
		snprintf(why, why_len, "io_uring_queue_init: %s", strerror(-r));
		errno = -r;
		return -1;
	}
	if (b->share.on && blk_share_attach(&b->share, g->mem, why, why_len) < 0) {
		io_uring_queue_exit(&b->uring);
		return -1;
	}
	b->guest = g;
	b->port = port;
	b->kick_fd = kick_fd;
	ring_back_init(&b->ring, s, slots, BLK_SLOT_SIZE);
	b->limits = (struct blk_limits){ .disk_size = b->size, .readonly = b->readonly, .mem = g->mem };
	r = pthread_create(&b->thread, NULL, blkback_thread, b);
	if (r != 0) {
		io_uring_queue_exit(&b->uring);
		snprintf(why, why_len, "cannot start the block back end thread: %s", strerror(r));
		errno = r;
		return -1;
	}
	b->attached = 1;
	return 0;
}

/* Stops the back end thread after the requests in flight complete. */
static void blkback_stop(struct blkback *b)
{
	if (!b->attached)
		return;
	backend_thread_stop(&b->stop, b->kick_fd, b->thread, "block");
	io_uring_queue_exit(&b->uring);
	b->attached = 0;
}

static void blkback_close(void *state)
{
	struct blkback *b = state;

	blkback_stop(b);
	/* The guest only saw EIO: the one who can free space is told why. */
	if (b->stats.enospc)
		fprintf(stderr, "lwvmm: disk %s: %llu writes failed with ENOSPC: the file system holding "
			"it is full (the guest saw I/O errors)\n", b->path, (unsigned long long)b->stats.enospc);
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

static int transfer(struct blkback *b, int op, uint8_t *buf, uint32_t len, uint64_t offset)
{
	while (len > 0) {
		ssize_t n = op == BLK_OP_READ ? pread(b->fd, buf, len, (off_t)offset)
					       : pwrite(b->fd, buf, len, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == ENOSPC || errno == EDQUOT))
			b->stats.enospc++;
		if (n <= 0)
			return LW_EIO;
		buf += n;
		len -= (uint32_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

/* One request, carried out at once on the vCPU's thread (trap-and-emulate path). */
static int execute_sync(struct blkback *b, const struct guest_memory *mem, const struct blk_request *r)
{
	struct blk_limits l = { .disk_size = b->size, .readonly = b->readonly, .mem = mem };
	char why[160];
	int status;

	status = blk_check_request(r, &l, why, sizeof(why));
	if (status == 0 && r->op == BLK_OP_FLUSH)
		status = fdatasync(b->fd) == 0 ? 0 : LW_EIO;
	else if (status == 0) {
		if (r->op == BLK_OP_WRITE)
			blk_share_before_write(&b->share, r->offset, r->len);
		status = transfer(b, (int)r->op, guest_io_ptr(mem, r->buffer, r->len), r->len, r->offset);
	}
	b->stats.sync_requests++;
	if (status == 0)
		b->stats.sync_bytes += r->len;
	return status;
}

/*
 * A register of the trap-and-emulate interface (lwvmm_abi.h): every access is
 * an exit, as every access to an emulated disk controller is. Any vCPU may
 * come here, so the registers are under a lock.
 */
static int blkback_mmio(void *state, const struct guest_memory *mem, uint64_t reg, int is_write,
			uint8_t *data, uint32_t len)
{
	struct blkback *b = state;
	uint64_t value = 0;
	int ret = 0;

	if (len != 8)
		return -1;
	memcpy(&value, data, 8);
	pthread_mutex_lock(&b->sync_lock);
	if (reg == MMIO_BLK_OFFSET && is_write)
		b->regs.offset = value;
	else if (reg == MMIO_BLK_BUFFER && is_write)
		b->regs.buffer = value;
	else if (reg == MMIO_BLK_LENGTH && is_write)
		b->regs.len = (uint32_t)value;
	else if (reg == MMIO_BLK_COMMAND && is_write) {
		b->regs.op = (uint32_t)value;
		b->regs_status = execute_sync(b, mem, &b->regs);
	} else if (reg == MMIO_BLK_STATUS && !is_write)
		memcpy(data, &b->regs_status, 8);
	else
		ret = -1;
	pthread_mutex_unlock(&b->sync_lock);
	return ret;
}

static void blkback_describe(const void *state, struct lw_device_desc *desc)
{
	const struct blkback *b = state;

	desc->type = LW_DEV_BLOCK;
	desc->flags = b->readonly ? LW_DEV_READONLY : 0;
	desc->size = b->size;
}

/* x per ring request, for the per-request costs (0 with no requests). */
static double per_request(const struct blkback_stats *s, uint64_t x)
{
	return s->requests ? (double)x / (double)s->requests : 0;
}

/* Requests in flight on the host, on average over time. */
static double host_depth(const struct blkback_stats *s)
{
	return s->depth_seconds > 0 ? s->depth_area / s->depth_seconds : 0;
}

static void print_per_request(FILE *out, const struct blkback_stats *s, int index)
{
	fprintf(out, "  disk %d per ring request: %.3f kicks, %.3f notifications, %.3f back-end waits",
		index, per_request(s, s->kicks), per_request(s, s->notifies), per_request(s, s->waits));
	if (s->ctxsw_voluntary >= 0)
		fprintf(out, ", %.3f back-end context switches (%.3f voluntary)",
			per_request(s, (uint64_t)(s->ctxsw_voluntary + s->ctxsw_involuntary)),
			per_request(s, (uint64_t)s->ctxsw_voluntary));
	fprintf(out, "; %.1f in flight on the host on average\n", host_depth(s));
}

static void blkback_print_stats(FILE *out, const void *state, int index)
{
	const struct blkback *b = state;
	const struct blkback_stats *s = &b->stats;

	fprintf(out, "  disk %d (%s): ring %llu requests, %llu MiB, %llu errors, "
		"%llu kicks in, %llu notifications out; trap-and-emulate %llu requests, %llu MiB%s\n",
		index, b->path, (unsigned long long)s->requests,
		(unsigned long long)(s->bytes >> 20), (unsigned long long)s->errors,
		(unsigned long long)s->kicks, (unsigned long long)s->notifies,
		(unsigned long long)s->sync_requests, (unsigned long long)(s->sync_bytes >> 20),
		b->broken ? ", BROKEN" : "");
	if (s->requests)
		print_per_request(out, s, index);
	blk_share_print(out, &b->share);
}

static void blkback_json_stats(FILE *out, const void *state)
{
	const struct blkback *b = state;
	const struct blkback_stats *s = &b->stats;

	fprintf(out, "{\"type\":\"block\",\"requests\":%llu,\"bytes\":%llu,\"errors\":%llu,"
		"\"kicks\":%llu,\"notifies\":%llu,\"sync_requests\":%llu,\"sync_bytes\":%llu,"
		"\"enospc\":%llu,\"broken\":%s,\"backend_waits\":%llu,\"submitted\":%llu,"
		"\"host_depth_mean\":%.3f,", (unsigned long long)s->requests,
		(unsigned long long)s->bytes, (unsigned long long)s->errors,
		(unsigned long long)s->kicks, (unsigned long long)s->notifies,
		(unsigned long long)s->sync_requests, (unsigned long long)s->sync_bytes,
		(unsigned long long)s->enospc, b->broken ? "true" : "false",
		(unsigned long long)s->waits, (unsigned long long)s->submitted, host_depth(s));
	/* left out when the thread never ran (no ring) or getrusage failed */
	if (s->ctxsw_voluntary >= 0)
		fprintf(out, "\"backend_ctxsw_voluntary\":%lld,\"backend_ctxsw_involuntary\":%lld,",
			(long long)s->ctxsw_voluntary, (long long)s->ctxsw_involuntary);
	fprintf(out, "\"share\":");
	blk_share_json(out, &b->share);
	fprintf(out, "}");
}

static void blkback_release(void *state)
{
	blk_share_close(&((struct blkback *)state)->share);
}

static int blkback_maps_guest_ram(const void *state)
{
	const struct blkback *b = state;

	return b->share.on;
}

const struct backend_ops blkback_ops = {
	.kind = "block",
	.type = LW_DEV_BLOCK,
	.state_size = sizeof(struct blkback),
	.open = blkback_open,
	.describe = blkback_describe,
	.attach = blkback_attach,
	.mmio = blkback_mmio,
	.stop = blkback_close,
	.print_stats = blkback_print_stats,
	.json_stats = blkback_json_stats,
	.release = blkback_release,
	.maps_guest_ram = blkback_maps_guest_ram,
};
