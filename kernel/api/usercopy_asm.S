/*
 * The instructions that touch user memory, each paired with a fixup.
 *
 * int usercopy_bytes(void *dst, const void *src, size_t n)
 *     copies n bytes; returns 0, or -EFAULT (-14) if a fault the VM could
 *     not resolve happened inside the copy.
 * int usercopy_strn(char *dst, const char *src, size_t max)
 *     copies up to and including a NUL, at most max bytes; returns the
 *     number of bytes copied before the NUL, max if there was none,
 *     or -EFAULT.
 * int usercopy_zero(void *dst, size_t n)
 *
 * The page fault handler compares the faulting eip with the
 * [usercopy_fault_start, usercopy_fault_end) window and, if it is inside,
 * resumes at usercopy_fault_fixup, which unwinds and returns -EFAULT.
 * Every routine here has the same frame layout (saved esi, edi, ebp), so
 * one fixup serves them all.  Each opens user access (stac) before its
 * first user access and usercopy_done closes it (clac), the fixup's way
 * out included: with SMAP on (main/smap.h) these are the only
 * instructions allowed to touch user pages.
 */
#include "main/smap.h"

#define EFAULT 14

	.text
	.globl usercopy_bytes, usercopy_strn, usercopy_zero
	.globl usercopy_fault_start, usercopy_fault_end, usercopy_fault_fixup

usercopy_bytes:
	pushl %ebp
	movl %esp, %ebp
	pushl %esi
	pushl %edi
	movl 8(%ebp), %edi
	movl 12(%ebp), %esi
	movl 16(%ebp), %ecx
	xorl %eax, %eax
	SMAP_STAC
usercopy_fault_start:
	rep movsb
	jmp usercopy_done

usercopy_strn:
	pushl %ebp
	movl %esp, %ebp
	pushl %esi
	pushl %edi
	movl 8(%ebp), %edi
	movl 12(%ebp), %esi
	movl 16(%ebp), %ecx
	xorl %edx, %edx			/* bytes copied */
	SMAP_STAC
1:	cmpl %ecx, %edx
	je 2f
	movb (%esi, %edx), %al
	movb %al, (%edi, %edx)
	testb %al, %al
	je 2f
	incl %edx
	jmp 1b
2:	movl %edx, %eax
	jmp usercopy_done

usercopy_zero:
	pushl %ebp
	movl %esp, %ebp
	pushl %esi
	pushl %edi
	movl 8(%ebp), %edi
	movl 12(%ebp), %ecx
	xorl %eax, %eax
	SMAP_STAC
	rep stosb
usercopy_fault_end:
	jmp usercopy_done

usercopy_fault_fixup:
	movl $-EFAULT, %eax
usercopy_done:
	SMAP_CLAC
	popl %edi
	popl %esi
	popl %ebp
	ret
