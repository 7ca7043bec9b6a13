/*
 * The credential system calls: the uid and gid getters and setters,
 * setfs*id, get/setgroups, each in its 32-bit form and the old 16-bit
 * one (ids above 65535 read as 65534, Linux's overflow id; a 16-bit
 * 0xffff means -1, "unchanged").  The rules live in proc/cred.c; this
 * file only moves ids between user memory and it.
 */
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "proc/cred.h"
#include "proc/proc.h"
#include "util/errno.h"

#define UID16_MAX 0xffffu
#define OVERFLOW_ID 65534u
#define LINUX_NGROUPS_MAX 65536u

static uint32_t low2high(uint32_t id)
{
	id &= UID16_MAX;
	return id == UID16_MAX ? CRED_KEEP : id;
}

static uint32_t high2low(uint32_t id)
{
	return id > UID16_MAX ? OVERFLOW_ID : id;
}

static const cred_ids_t *ids_of(const cred_t *c, bool gid)
{
	return gid ? &c->gid : &c->uid;
}

/* Which id of a family a getter returns. */
enum which { REAL, EFF };

static long get_id(bool gid, enum which w, bool old)
{
	cred_t c;
	cred_get(curproc, &c);
	const cred_ids_t *ids = ids_of(&c, gid);
	uint32_t id = w == REAL ? ids->real : ids->eff;
	return old ? high2low(id) : id;
}

SYSCALL(getuid32) { return get_id(false, REAL, false); }
SYSCALL(geteuid32) { return get_id(false, EFF, false); }
SYSCALL(getgid32) { return get_id(true, REAL, false); }
SYSCALL(getegid32) { return get_id(true, EFF, false); }
SYSCALL(getuid) { return get_id(false, REAL, true); }
SYSCALL(geteuid) { return get_id(false, EFF, true); }
SYSCALL(getgid) { return get_id(true, REAL, true); }
SYSCALL(getegid) { return get_id(true, EFF, true); }

SYSCALL(setuid32) { return cred_setid(false, a1); }
SYSCALL(setgid32) { return cred_setid(true, a1); }
SYSCALL(setuid) { return cred_setid(false, low2high(a1)); }
SYSCALL(setgid) { return cred_setid(true, low2high(a1)); }
SYSCALL(setreuid32) { return cred_setreid(false, a1, a2); }
SYSCALL(setregid32) { return cred_setreid(true, a1, a2); }
SYSCALL(setreuid) { return cred_setreid(false, low2high(a1), low2high(a2)); }
SYSCALL(setregid) { return cred_setreid(true, low2high(a1), low2high(a2)); }
SYSCALL(setresuid32) { return cred_setresid(false, a1, a2, a3); }
SYSCALL(setresgid32) { return cred_setresid(true, a1, a2, a3); }
SYSCALL(setresuid) { return cred_setresid(false, low2high(a1), low2high(a2), low2high(a3)); }
SYSCALL(setresgid) { return cred_setresid(true, low2high(a1), low2high(a2), low2high(a3)); }
SYSCALL(setfsuid32) { return cred_setfsid(false, a1); }
SYSCALL(setfsgid32) { return cred_setfsid(true, a1); }
SYSCALL(setfsuid) { return high2low(cred_setfsid(false, low2high(a1))); }
SYSCALL(setfsgid) { return high2low(cred_setfsid(true, low2high(a1))); }

/* getres*id: real, effective and saved ids to three user words. */
static long get_res(bool gid, uint32_t ur, uint32_t ue, uint32_t us, bool old)
{
	cred_t c;
	cred_get(curproc, &c);
	const cred_ids_t *ids = ids_of(&c, gid);
	uint32_t v[3] = { ids->real, ids->eff, ids->saved };
	uint32_t where[3] = { ur, ue, us };
	for (int i = 0; i < 3; i++) {
		uint16_t v16 = (uint16_t)high2low(v[i]);
		int rc = old ? copy_to_user((void *)where[i], &v16, sizeof(v16))
			     : copy_to_user((void *)where[i], &v[i], sizeof(v[i]));
		if (rc < 0)
			return -EFAULT;
	}
	return 0;
}

SYSCALL(getresuid32) { return get_res(false, a1, a2, a3, false); }
SYSCALL(getresgid32) { return get_res(true, a1, a2, a3, false); }
SYSCALL(getresuid) { return get_res(false, a1, a2, a3, true); }
SYSCALL(getresgid) { return get_res(true, a1, a2, a3, true); }

/* getgroups(size, list): size 0 asks for the count; a smaller list than
 * the groups is EINVAL. */
static long get_groups(int32_t size, uint32_t list, bool old)
{
	if (size < 0)
		return -EINVAL;
	cred_t c;
	cred_get(curproc, &c);
	if (size == 0)
		return c.ngroups;
	if ((uint32_t)size < c.ngroups)
		return -EINVAL;
	for (uint32_t i = 0; i < c.ngroups; i++) {
		uint16_t g16 = (uint16_t)high2low(c.groups[i]);
		int rc = old ? copy_to_user((uint16_t *)list + i, &g16, sizeof(g16))
			     : copy_to_user((uint32_t *)list + i, &c.groups[i], sizeof(uint32_t));
		if (rc < 0)
			return -EFAULT;
	}
	return c.ngroups;
}

/* setgroups(size, list): privilege first, then the size, as Linux. */
static long set_groups(uint32_t size, uint32_t list, bool old)
{
	if (!cred_privileged())
		return -EPERM;
	if (size > LINUX_NGROUPS_MAX)
		return -EINVAL;
	if (size > CRED_NGROUPS_MAX)
		return -EINVAL;		/* M-OS keeps fewer */
	uint32_t groups[CRED_NGROUPS_MAX];
	for (uint32_t i = 0; i < size; i++) {
		uint16_t g16;
		int rc = old ? copy_from_user(&g16, (uint16_t *)list + i, sizeof(g16))
			     : copy_from_user(&groups[i], (uint32_t *)list + i, sizeof(uint32_t));
		if (rc < 0)
			return -EFAULT;
		if (old)
			groups[i] = low2high(g16);
	}
	return cred_setgroups(groups, size);
}

SYSCALL(getgroups32) { return get_groups((int32_t)a1, a2, false); }
SYSCALL(getgroups) { return get_groups((int32_t)a1, a2, true); }
SYSCALL(setgroups32) { return set_groups(a1, a2, false); }
SYSCALL(setgroups) { return set_groups(a1, a2, true); }
