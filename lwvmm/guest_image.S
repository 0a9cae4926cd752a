/* Embeds the built-in guest's ELF image in lwvmm, so the monitor is one file. */
	.section .rodata
	.balign 64
	.globl lwvmm_guest_image_start, lwvmm_guest_image_end
lwvmm_guest_image_start:
	.incbin GUEST_ELF_PATH
lwvmm_guest_image_end:
	.section .note.GNU-stack,"",@progbits
