/*
 * Credentials: the ids of a process and Linux's rules for changing them
 * (proc/cred.h).  Each process's cred is embedded in its proc_t; fork
 * copies the parent's (proc.c), exec applies set-user-id and set-group-id
 * files (cred_exec), the set*id system calls (api/sys_cred.c) come here.
 *
 * The uid and gid families follow the same rules, so one set of helpers
 * works on a cred_ids_t and the calls pick the family.  Privilege is an
 * effective uid of 0, for the gid calls too (Linux's CAP_SETUID and
 * CAP_SETGID, which root has and others lack).  cred_lock protects every
 * process's cred; it is a leaf lock (taken under proc_lock, not the
 * other way round).
 */
#include "proc/cred.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "util/errno.h"
#include "util/string.h"

static spinlock_t cred_lock = SPINLOCK_INIT("every process's credentials");

void cred_init_root(cred_t *c)
{
	memset(c, 0, sizeof(*c));
	c->uid = (cred_ids_t){ CRED_ROOT_UID, CRED_ROOT_UID, CRED_ROOT_UID, CRED_ROOT_UID };
	c->gid = (cred_ids_t){ CRED_ROOT_GID, CRED_ROOT_GID, CRED_ROOT_GID, CRED_ROOT_GID };
}

void cred_get(proc_t *p, cred_t *out)
{
	spin_lock(&cred_lock);
	*out = p->cred;
	spin_unlock(&cred_lock);
}

void cred_current(cred_t *out)
{
	const cred_t *o = curthr->cred_override;
	if (o)
		*out = *o;
	else
		cred_get(curproc, out);
}

bool cred_in_group(const cred_t *c, uint32_t gid)
{
	if (c->gid.fs == gid)
		return true;
	for (uint32_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

bool cred_privileged(void)
{
	spin_lock(&cred_lock);
	bool root = curproc->cred.uid.eff == CRED_ROOT_UID;
	spin_unlock(&cred_lock);
	return root;
}

bool cred_fs_privileged(void)
{
	const cred_t *o = curthr->cred_override;
	if (o)
		return o->uid.fs == CRED_ROOT_UID;
	spin_lock(&cred_lock);
	bool root = curproc->cred.uid.fs == CRED_ROOT_UID;
	spin_unlock(&cred_lock);
	return root;
}

/* ---- the set*id rules (cred_lock held) ------------------------------------ */

static bool held(const cred_ids_t *ids, uint32_t id)
{
	return id == ids->real || id == ids->eff || id == ids->saved;
}

/* The family the call works on, and whether the caller is privileged. */
static cred_ids_t *family_locked(bool gid, bool *priv)
{
	cred_t *c = &curproc->cred;
	*priv = c->uid.eff == CRED_ROOT_UID;
	return gid ? &c->gid : &c->uid;
}

int cred_setid(bool gid, uint32_t id)
{
	if (id == CRED_KEEP)
		return -EINVAL;
	bool priv;
	int rc = 0;
	spin_lock(&cred_lock);
	cred_ids_t *ids = family_locked(gid, &priv);
	if (priv)
		ids->real = ids->eff = ids->saved = id;
	else if (id == ids->real || id == ids->saved)
		ids->eff = id;
	else
		rc = -EPERM;
	ids->fs = ids->eff;
	spin_unlock(&cred_lock);
	return rc;
}

int cred_setreid(bool gid, uint32_t r, uint32_t e)
{
	bool priv;
	int rc = -EPERM;
	spin_lock(&cred_lock);
	cred_ids_t *ids = family_locked(gid, &priv);
	if (!priv && r != CRED_KEEP && r != ids->real && r != ids->eff)
		goto out;
	if (!priv && e != CRED_KEEP && !held(ids, e))
		goto out;
	/* The saved id follows the effective one when the real id is set,
	 * or the effective one becomes something but the real id. */
	bool save = r != CRED_KEEP || (e != CRED_KEEP && e != ids->real);
	if (r != CRED_KEEP)
		ids->real = r;
	if (e != CRED_KEEP)
		ids->eff = e;
	if (save)
		ids->saved = ids->eff;
	ids->fs = ids->eff;
	rc = 0;
out:
	spin_unlock(&cred_lock);
	return rc;
}

int cred_setresid(bool gid, uint32_t r, uint32_t e, uint32_t s)
{
	bool priv;
	int rc = -EPERM;
	spin_lock(&cred_lock);
	cred_ids_t *ids = family_locked(gid, &priv);
	if (!priv && ((r != CRED_KEEP && !held(ids, r)) || (e != CRED_KEEP && !held(ids, e)) ||
		      (s != CRED_KEEP && !held(ids, s))))
		goto out;
	if (r != CRED_KEEP)
		ids->real = r;
	if (e != CRED_KEEP)
		ids->eff = e;
	if (s != CRED_KEEP)
		ids->saved = s;
	ids->fs = ids->eff;
	rc = 0;
out:
	spin_unlock(&cred_lock);
	return rc;
}

uint32_t cred_setfsid(bool gid, uint32_t id)
{
	bool priv;
	spin_lock(&cred_lock);
	cred_ids_t *ids = family_locked(gid, &priv);
	uint32_t old = ids->fs;
	if (id != CRED_KEEP && (priv || held(ids, id) || id == ids->fs))
		ids->fs = id;
	spin_unlock(&cred_lock);
	return old;
}

int cred_setgroups(const uint32_t *groups, uint32_t n)
{
	if (n > CRED_NGROUPS_MAX)
		return -EINVAL;
	int rc = -EPERM;
	spin_lock(&cred_lock);
	cred_t *c = &curproc->cred;
	if (c->uid.eff == CRED_ROOT_UID) {
		memcpy(c->groups, groups, n * sizeof(*groups));
		c->ngroups = n;
		rc = 0;
	}
	spin_unlock(&cred_lock);
	return rc;
}

bool cred_exec(cred_t *c, bool setuid, uint32_t uid, bool setgid, uint32_t gid)
{
	if (setuid)
		c->uid.eff = c->uid.fs = uid;
	if (setgid)
		c->gid.eff = c->gid.fs = gid;
	c->uid.saved = c->uid.eff;
	c->gid.saved = c->gid.eff;
	return c->uid.eff != c->uid.real || c->gid.eff != c->gid.real;
}

void cred_commit(const cred_t *c)
{
	spin_lock(&cred_lock);
	curproc->cred = *c;
	spin_unlock(&cred_lock);
}

bool cred_may_signal(proc_t *p)
{
	spin_lock(&cred_lock);
	const cred_ids_t *me = &curproc->cred.uid, *it = &p->cred.uid;
	bool ok = me->eff == CRED_ROOT_UID || me->real == it->real || me->real == it->saved ||
		  me->eff == it->real || me->eff == it->saved;
	spin_unlock(&cred_lock);
	return ok;
}
