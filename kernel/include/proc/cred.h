/* Credentials (kernel/proc/cred.c): who a process is, as Linux has it.
 *
 * A process (every thread of its group) has a real, effective, saved and
 * file-system user id and the same four group ids, plus a list of
 * supplementary groups.  fork copies them, exec changes them for a
 * set-user-id or set-group-id program, and the set*id calls change them
 * by Linux's rules: a privileged process (effective uid 0, M-OS's whole
 * notion of capability) may set any id; any other may only move ids
 * among the values its real, effective and saved ids already hold
 * (EPERM otherwise).  Every change of the effective id also sets the
 * file-system id, which is what file permission checks use.
 *
 * cred_lock (one spinlock for all processes, a leaf: taken after
 * proc_lock, never before) protects every proc_t.cred.  Readers take a
 * snapshot (cred_get, cred_current): a check never sees half a change.
 * A thread may override the credentials its file checks use
 * (kthread_t.cred_override: access() checks with the real ids). */
#pragma once
#include "util/types.h"

#define CRED_NGROUPS_MAX 32	/* supplementary groups (Linux: 65536) */
#define CRED_ROOT_UID 0
#define CRED_ROOT_GID 0
#define CRED_KEEP ((uint32_t)-1)	/* "leave this id as it is" */

typedef struct cred_ids {
	uint32_t real, eff, saved, fs;
} cred_ids_t;

typedef struct cred {
	cred_ids_t uid, gid;
	uint32_t ngroups;
	uint32_t groups[CRED_NGROUPS_MAX];
} cred_t;

struct proc;

/* Root's credentials (init's, and the kernel's). */
void cred_init_root(cred_t *c);
/* A snapshot of p's credentials. */
void cred_get(struct proc *p, cred_t *out);
/* The credentials the calling thread's file checks use: its override if
 * it has one, else its process's. */
void cred_current(cred_t *out);
/* Whether c's file-system gid or one of its supplementary groups is gid. */
bool cred_in_group(const cred_t *c, uint32_t gid);
/* Whether the caller is privileged (effective uid 0). */
bool cred_privileged(void);
/* Whether the caller's file-system uid is 0 (the file-permission bypass). */
bool cred_fs_privileged(void);

/* The set*id calls on the caller's process (CRED_KEEP: unchanged);
 * 0 or -EPERM.  gid = true works on the group ids. */
int cred_setid(bool gid, uint32_t id);
int cred_setreid(bool gid, uint32_t r, uint32_t e);
int cred_setresid(bool gid, uint32_t r, uint32_t e, uint32_t s);
/* setfsuid/setfsgid: returns the old id, changes it only when allowed. */
uint32_t cred_setfsid(bool gid, uint32_t id);
/* setgroups: -EPERM unless privileged, -EINVAL past CRED_NGROUPS_MAX. */
int cred_setgroups(const uint32_t *groups, uint32_t n);

/* exec of a file with owner uid/gid, on a copy c of the caller's
 * credentials: a set-user-id file (setuid) makes its owner the effective
 * uid, a set-group-id one (setgid) its group the effective gid; then the
 * saved ids take the effective ones.  Returns whether the effective ids
 * now differ from the real ones (AT_SECURE).  cred_commit makes c the
 * caller's process's credentials (exec, once nothing can fail). */
bool cred_exec(cred_t *c, bool setuid, uint32_t uid, bool setgid, uint32_t gid);
void cred_commit(const cred_t *c);

/* Whether the caller may signal process p (kill's rule): privileged, or
 * its real or effective uid is p's real or saved uid. */
bool cred_may_signal(struct proc *p);
