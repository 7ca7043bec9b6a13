/* Control messages of sendmsg/recvmsg (kernel/net/scm.c): SCM_RIGHTS
 * (descriptors, carried as referenced open files) and SCM_CREDENTIALS
 * (struct ucred).  scm_from_user parses a sender's control buffer;
 * scm_to_user writes what a receiver gets, installing the descriptors;
 * scm_release drops what was never delivered (the files' references).
 * An scm_t belongs to one message at a time; no lock of its own. */
#pragma once
#include "util/types.h"
#include "fs/file.h"
#include "net/abi.h"

typedef struct scm {
	file_t **files;		/* SCM_RIGHTS: nfiles referenced files (kmalloc'd) */
	int nfiles;
	struct linux_ucred creds;	/* the sender's, or what it claimed */
} scm_t;

/* The caller's credentials, no files. */
void scm_init(scm_t *s);
/* Parses len bytes of a user control buffer at uctl: 0 or -EINVAL
 * (malformed, more than SCM_MAX_FD descriptors), -EBADF, -EFAULT,
 * -EPERM (credentials not the caller's), -ENOMEM. */
int scm_from_user(scm_t *s, uint32_t uctl, uint32_t len);
/* Another reference to every file of src in dst (MSG_PEEK). */
int scm_dup(scm_t *dst, const scm_t *src);
/* Writes control messages to the user buffer (uctl, *len bytes):
 * credentials if creds, then the descriptors, installed in the caller's
 * table (close-on-exec with MSG_CMSG_CLOEXEC in flags).  Descriptors or
 * bytes that do not fit set MSG_CTRUNC in *msg_flags (and are closed);
 * *len gets the bytes written.  The files' references are used up. */
int scm_to_user(scm_t *s, bool creds, uint32_t uctl, uint32_t *len, uint32_t flags,
		uint32_t *msg_flags);
void scm_release(scm_t *s);
