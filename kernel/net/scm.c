/*
 * Control messages (net/scm.h): what sendmsg's control buffer asks and
 * what recvmsg's receives, with Linux's layout (struct cmsghdr, 4-byte
 * alignment on i386) and rules: a header longer than the rest of the
 * buffer is EINVAL, other levels than SOL_SOCKET are skipped, several
 * SCM_RIGHTS add up to at most SCM_MAX_FD descriptors, a receiver's
 * buffer too small for them all gets what fits, the rest closed, and
 * MSG_CTRUNC.  Descriptors in flight are referenced open files, so a
 * message dropped unread releases them with scm_release.  No lock: an
 * scm_t belongs to one call or one queued message; the descriptor table
 * locks itself.
 */
#include "net/scm.h"
#include "api/usercopy.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "util/errno.h"
#include "util/string.h"

#define SCM_CTL_MAX 20480	/* Linux's default optmem_max: larger is ENOBUFS */
#define ROOT_ID 0		/* M-OS has no users yet: everyone is root */

void scm_init(scm_t *s)
{
	s->files = NULL;
	s->nfiles = 0;
	s->creds.pid = curproc->pid;
	s->creds.uid = ROOT_ID;
	s->creds.gid = ROOT_ID;
}

void scm_release(scm_t *s)
{
	for (int i = 0; i < s->nfiles; i++)
		fput(s->files[i]);
	kfree(s->files);
	s->files = NULL;
	s->nfiles = 0;
}

/* Adds the descriptors of one SCM_RIGHTS message (n of them at fds). */
static int add_rights(scm_t *s, const int32_t *fds, int n)
{
	if (n <= 0)
		return 0;
	if (s->nfiles + n > SCM_MAX_FD)
		return -EINVAL;
	file_t **grown = kmalloc((s->nfiles + n) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	for (int i = 0; i < s->nfiles; i++)
		grown[i] = s->files[i];
	kfree(s->files);
	s->files = grown;
	for (int i = 0; i < n; i++) {
		file_t *f = fd_get(curproc->files, fds[i]);
		if (!f)
			return -EBADF;
		s->files[s->nfiles++] = f;
	}
	return 0;
}

/* One parsed control message at h (data after it, len bytes). */
static int parse_one(scm_t *s, const struct linux_cmsghdr *h, uint32_t len)
{
	if (h->cmsg_level != SOL_SOCKET)
		return 0;
	const uint8_t *data = (const uint8_t *)h + CMSG_HDR_SIZE;
	switch (h->cmsg_type) {
	case SCM_RIGHTS:
		return add_rights(s, (const int32_t *)data, (int)(len / sizeof(int32_t)));
	case SCM_CREDENTIALS:
		if (h->cmsg_len != CMSG_LENGTH(sizeof(struct linux_ucred)))
			return -EINVAL;
		memcpy(&s->creds, data, sizeof(s->creds));	/* root may claim any */
		return 0;
	default:
		return -EINVAL;
	}
}

int scm_from_user(scm_t *s, uint32_t uctl, uint32_t len)
{
	scm_init(s);
	if (len < sizeof(struct linux_cmsghdr))
		return 0;
	if (len > SCM_CTL_MAX)
		return -ENOBUFS;
	uint8_t *buf = kmalloc(len);
	if (!buf)
		return -ENOMEM;
	int rc = copy_from_user(buf, (void *)uctl, len) < 0 ? -EFAULT : 0;
	for (uint32_t pos = 0; rc == 0 && len - pos >= sizeof(struct linux_cmsghdr);) {
		const struct linux_cmsghdr *h = (const void *)(buf + pos);
		if (h->cmsg_len < sizeof(*h) || h->cmsg_len > len - pos) {
			rc = -EINVAL;
			break;
		}
		rc = parse_one(s, h, h->cmsg_len - CMSG_HDR_SIZE);
		pos += CMSG_ALIGNED(h->cmsg_len);
		if (pos > len)
			break;
	}
	kfree(buf);
	if (rc < 0)
		scm_release(s);
	return rc;
}

int scm_dup(scm_t *dst, const scm_t *src)
{
	*dst = *src;
	dst->files = NULL;
	dst->nfiles = 0;
	if (!src->nfiles)
		return 0;
	dst->files = kmalloc(src->nfiles * sizeof(*dst->files));
	if (!dst->files)
		return -ENOMEM;
	for (int i = 0; i < src->nfiles; i++) {
		fref(src->files[i]);
		dst->files[i] = src->files[i];
	}
	dst->nfiles = src->nfiles;
	return 0;
}

/* Where scm_to_user writes: the user buffer, its size, bytes used. */
typedef struct ctl_out {
	uint32_t base, room, used;
	uint32_t *msg_flags;
} ctl_out_t;

/* One control message of len data bytes (put_cmsg's rules). */
static int put_cmsg(ctl_out_t *o, int type, const void *data, uint32_t len)
{
	uint32_t left = o->room - o->used;
	if (left < sizeof(struct linux_cmsghdr)) {
		*o->msg_flags |= MSG_CTRUNC;
		return 0;
	}
	uint32_t cmlen = CMSG_LENGTH(len);
	if (left < cmlen) {
		*o->msg_flags |= MSG_CTRUNC;
		cmlen = left;
	}
	struct linux_cmsghdr h = { cmlen, SOL_SOCKET, type };
	void *u = (void *)(o->base + o->used);
	if (copy_to_user(u, &h, sizeof(h)) < 0 ||
	    copy_to_user((uint8_t *)u + CMSG_HDR_SIZE, data, cmlen - CMSG_HDR_SIZE) < 0)
		return -EFAULT;
	o->used += MIN(CMSG_SPACE_FOR(len), left);
	return 0;
}

/* The descriptors: as many as fit, installed; the rest closed. */
static int put_rights(ctl_out_t *o, scm_t *s, bool cloexec)
{
	uint32_t left = o->room - o->used;
	int fit = left < CMSG_HDR_SIZE ? 0 : (int)((left - CMSG_HDR_SIZE) / sizeof(int32_t));
	int n = 0, rc = 0;
	uint32_t u = o->base + o->used + CMSG_HDR_SIZE;
	for (; n < s->nfiles && n < fit; n++) {
		int fd = fd_install(curproc->files, s->files[n], 0, cloexec);
		if (fd < 0)
			break;
		s->files[n] = NULL;	/* the table has the reference now */
		if (copy_to_user((void *)(u + n * sizeof(int32_t)), &fd, sizeof(fd)) < 0) {
			rc = -EFAULT;
			n++;
			break;
		}
	}
	if (n < s->nfiles)
		*o->msg_flags |= MSG_CTRUNC;
	if (n > 0 && rc == 0) {
		struct linux_cmsghdr h = { CMSG_LENGTH(n * sizeof(int32_t)), SOL_SOCKET, SCM_RIGHTS };
		if (copy_to_user((void *)(o->base + o->used), &h, sizeof(h)) < 0)
			rc = -EFAULT;
		o->used += MIN(CMSG_SPACE_FOR(n * sizeof(int32_t)), left);
	}
	for (int i = n; i < s->nfiles; i++)
		fput(s->files[i]);
	s->nfiles = 0;
	kfree(s->files);
	s->files = NULL;
	return rc;
}

int scm_to_user(scm_t *s, bool creds, uint32_t uctl, uint32_t *len, uint32_t flags,
		uint32_t *msg_flags)
{
	ctl_out_t o = { uctl, *len, 0, msg_flags };
	int rc = 0;
	if (creds)
		rc = put_cmsg(&o, SCM_CREDENTIALS, &s->creds, sizeof(s->creds));
	if (rc == 0 && s->nfiles)
		rc = put_rights(&o, s, flags & MSG_CMSG_CLOEXEC);
	scm_release(s);
	*len = o.used;
	return rc;
}
