#include "hypercall.h"

const struct lw_bootinfo *lw_boot;

int lw_vcpu_index(void)
{
	uint64_t sp = (uint64_t)__builtin_frame_address(0);
	return (int)((sp - lw_boot->stack_base) / lw_boot->stack_size);
}

static struct hc_block *my_block(void)
{
	return (struct hc_block *)(LW_HCBLOCK_GPA + (uint64_t)lw_vcpu_index() * LW_PAGE_SIZE);
}

/* The doorbell write exits to the monitor, which has run the batch when it returns. */
static void ring_doorbell(struct hc_block *block)
{
	volatile uint64_t *bell = (volatile uint64_t *)(lw_boot->doorbell_gpa + DOORBELL_CALL);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*bell = (uint64_t)block;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int64_t hc_call(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return hc_call3(nr, a0, a1, 0);
}

int64_t hc_call3(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct hc_block *block = my_block();

	block->count = 1;
	block->req[0].nr = nr;
	block->req[0].arg[0] = a0;
	block->req[0].arg[1] = a1;
	block->req[0].arg[2] = a2;
	block->req[0].ret = 0;
	ring_doorbell(block);
	return ((volatile struct hc_request *)&block->req[0])->ret;
}

void hc_call_batch(const struct hc_request *req, int count, int64_t *ret)
{
	struct hc_block *block = my_block();

	block->count = (uint32_t)count;
	for (int i = 0; i < count; i++)
		block->req[i] = req[i];
	ring_doorbell(block);
	for (int i = 0; ret && i < count; i++)
		ret[i] = ((volatile struct hc_request *)&block->req[i])->ret;
}

void hc_notify(uint64_t value)
{
	volatile uint64_t *bell = (volatile uint64_t *)(lw_boot->doorbell_gpa + DOORBELL_NOTIFY);
	*bell = value;
}
