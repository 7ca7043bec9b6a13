/*
 * Checked copies between kernel and user space.  The range check here
 * rejects kernel addresses and wrap-around; everything else (unmapped
 * pages, write to read-only memory) is found by the MMU during the copy
 * and turned into -EFAULT by the fixup in usercopy_asm.S.
 */
#include "api/usercopy.h"
#include "api/linux_abi.h"
#include "mm/page.h"
#include "util/errno.h"

int usercopy_bytes(void *dst, const void *src, size_t n);
int usercopy_strn(char *dst, const char *src, size_t max);
int usercopy_zero(void *dst, size_t n);
extern char usercopy_fault_start[], usercopy_fault_end[], usercopy_fault_fixup[];

bool user_range_ok(const void *p, size_t n)
{
	uint32_t a = (uint32_t)p;
	return a + n >= a && a + n <= USER_END;
}

int copy_from_user(void *dst, const void *user_src, size_t n)
{
	if (!user_range_ok(user_src, n))
		return -EFAULT;
	return usercopy_bytes(dst, user_src, n);
}

int copy_to_user(void *user_dst, const void *src, size_t n)
{
	if (!user_range_ok(user_dst, n))
		return -EFAULT;
	return usercopy_bytes(user_dst, src, n);
}

int clear_user(void *user_dst, size_t n)
{
	if (!user_range_ok(user_dst, n))
		return -EFAULT;
	return usercopy_zero(user_dst, n);
}

int strncpy_from_user(char *dst, const char *user_src, size_t max)
{
	uint32_t a = (uint32_t)user_src;
	if (a >= USER_END || max == 0)
		return -EFAULT;
	size_t room = MIN(max, USER_END - a);	/* never read past user space */
	int n = usercopy_strn(dst, user_src, room);
	if (n < 0)
		return n;
	if ((size_t)n == room) {
		dst[room - 1] = '\0';
		return room < max ? -EFAULT : -ENAMETOOLONG;
	}
	return n;
}

#define NSEC_PER_SECOND 1000000000ll

int timespec_from_user(uint32_t uts, bool time64, int64_t *sec, int64_t *nsec)
{
	if (time64) {
		struct linux_timespec64 ts;
		if (copy_from_user(&ts, (void *)uts, sizeof(ts)) < 0)
			return -EFAULT;
		*sec = ts.tv_sec;
		*nsec = (int32_t)ts.tv_nsec;
	} else {
		struct linux_timespec32 ts;
		if (copy_from_user(&ts, (void *)uts, sizeof(ts)) < 0)
			return -EFAULT;
		*sec = ts.tv_sec;
		*nsec = ts.tv_nsec;
	}
	return *sec < 0 || *nsec < 0 || *nsec >= NSEC_PER_SECOND ? -EINVAL : 0;
}

uint32_t usercopy_fixup(uint32_t eip)
{
	if (eip >= (uint32_t)usercopy_fault_start && eip < (uint32_t)usercopy_fault_end)
		return (uint32_t)usercopy_fault_fixup;
	return 0;
}
