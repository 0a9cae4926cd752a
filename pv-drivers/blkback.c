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
#include <sys/stat.h>
#include <unistd.h>

#include "blkback.h"

#define KICK_TAG ((void *)1)   /* user_data of the read on the kick eventfd */

/*
 * The options after FILE, read in place: each is one of "ro" and "direct".
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
		} else {
			/* The option first: `spec` may be long enough to be cut off. */
			snprintf(why, why_len, "--disk: %s option '%.*s' in '%s' (options: ro, direct)",
				 len ? "unknown" : "empty", (int)(len < 40 ? len : 40), o, spec);
			return -1;
		}
		if (o[len] == '\0')
			return 0;
	}
}

int blkback_open(struct blkback *b, const char *spec, char *why, size_t why_len)
{
	const char *comma = strchr(spec, ',');
	size_t len = comma ? (size_t)(comma - spec) : strlen(spec);
	struct stat st;

	memset(b, 0, sizeof(*b));
	b->fd = b->kick_fd = -1;
	pthread_mutex_init(&b->sync_lock, NULL);
	if (len == 0 || len >= sizeof(b->path)) {
		snprintf(why, why_len, "--disk '%.*s': give FILE[,ro][,direct] with a FILE of 1 to %zu bytes",
			 (int)(len < 60 ? len : 60), spec, sizeof(b->path) - 1);
		return -1;
	}
	memcpy(b->path, spec, len);
	if (comma && parse_disk_options(b, spec, comma + 1, why, why_len) < 0)
		return -1;
	b->fd = open(b->path, (b->readonly ? O_RDONLY : O_RDWR) | (b->direct ? O_DIRECT : 0) | O_CLOEXEC);
	if (b->fd < 0) {
		snprintf(why, why_len, "--disk %s: %s%s", b->path, strerror(errno),
			 b->direct && errno == EINVAL ? " (this file system has no O_DIRECT: drop ',direct')" : "");
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
	int slot = free_inflight_slot(b);
	struct io_uring_sqe *sqe = io_uring_get_sqe(&b->uring);
	void *buf = guest_ptr(b->guest->mem, req->buffer, req->len);

	if (slot < 0 || !sqe || (req->op != BLK_OP_FLUSH && !buf)) {
		respond(b, req->id, BLK_EIO, 0);
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
	int status = cqe->res == (int)f->len ? 0 : BLK_EIO;
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

static void *blkback_thread(void *arg)
{
	struct blkback *b = arg;
	struct io_uring_cqe *cqe;

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
		if (io_uring_cq_ready(&b->uring))
			io_uring_submit(&b->uring);
		else
			io_uring_submit_and_wait(&b->uring, 1);
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
	return NULL;
}

int blkback_attach(struct blkback *b, struct pv_guest *g, uint64_t ring_gpa, uint64_t ring_bytes,
		   int port, int kick_fd, char *why, size_t why_len)
{
	struct ring_shared *s = guest_ptr(g->mem, ring_gpa, ring_bytes);
	uint32_t slots = ring_slots_for(ring_bytes, BLK_SLOT_SIZE);

	if (!s || slots == 0) {
		snprintf(why, why_len, "block ring 0x%llx+%llu is not in guest RAM",
			 (unsigned long long)ring_gpa, (unsigned long long)ring_bytes);
		return -1;
	}
	int r = io_uring_queue_init(2 * BLKBACK_DEPTH, &b->uring, 0);
	if (r < 0) {
		snprintf(why, why_len, "io_uring_queue_init: %s", strerror(-r));
		return -1;
	}
	b->guest = g;
	b->port = port;
	b->kick_fd = kick_fd;
	ring_back_init(&b->ring, s, slots, BLK_SLOT_SIZE);
	b->limits = (struct blk_limits){ .disk_size = b->size, .readonly = b->readonly,
		.mem_size = g->mem->size, .ring_gpa = ring_gpa, .ring_bytes = ring_bytes };
	if (pthread_create(&b->thread, NULL, blkback_thread, b) != 0) {
		io_uring_queue_exit(&b->uring);
		snprintf(why, why_len, "cannot start the block back end thread");
		return -1;
	}
	b->attached = 1;
	return 0;
}

/* Stops the back end thread after the requests in flight complete. */
static void blkback_stop(struct blkback *b)
{
	uint64_t one = 1;

	if (!b->attached)
		return;
	atomic_store(&b->stop, 1);
	if (write(b->kick_fd, &one, sizeof(one)) < 0)
		perror("lwvmm: waking the block back end");
	pthread_join(b->thread, NULL);
	io_uring_queue_exit(&b->uring);
	b->attached = 0;
}

void blkback_close(struct blkback *b)
{
	blkback_stop(b);
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

static int transfer(int fd, int op, uint8_t *buf, uint32_t len, uint64_t offset)
{
	while (len > 0) {
		ssize_t n = op == BLK_OP_READ ? pread(fd, buf, len, (off_t)offset)
					       : pwrite(fd, buf, len, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return BLK_EIO;
		buf += n;
		len -= (uint32_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

int blkback_execute_sync(struct blkback *b, struct guest_memory *mem, const struct blk_request *r)
{
	struct blk_limits l = { .disk_size = b->size, .readonly = b->readonly, .mem_size = mem->size };
	char why[160];
	int status;

	pthread_mutex_lock(&b->sync_lock);
	if (b->attached) {   /* the ring's pages are off limits here too */
		l.ring_gpa = b->limits.ring_gpa;
		l.ring_bytes = b->limits.ring_bytes;
	}
	status = blk_check_request(r, &l, why, sizeof(why));
	if (status == 0 && r->op == BLK_OP_FLUSH)
		status = fdatasync(b->fd) == 0 ? 0 : BLK_EIO;
	else if (status == 0)
		status = transfer(b->fd, (int)r->op, guest_ptr(mem, r->buffer, r->len), r->len, r->offset);
	b->stats.sync_requests++;
	if (status == 0)
		b->stats.sync_bytes += r->len;
	pthread_mutex_unlock(&b->sync_lock);
	return status;
}
