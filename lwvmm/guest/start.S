/*
 * Entry point of every vCPU of the built-in guest. The monitor starts each
 * vCPU here at CPL3 with rdi = boot information, rsi = vCPU index and rsp at
 * the top of the vCPU's stack, minus 8 as after a call.
 */
	.text
	.globl _start
_start:
	xor %ebp, %ebp
	and $-16, %rsp   /* the call below then leaves rsp+8 16-byte aligned, as the ABI wants */
	call guest_main
	/* guest_main never returns; if it did, this faults and ends the run. */
	ud2
	.section .note.GNU-stack,"",@progbits
