/*
 * The proc file system's glue (fs/procfs.h): the one instance, its
 * vnodes, and the directory, file and symlink operations over the tables
 * of procfs_sys.c and procfs_pid.c.
 *
 * A vnode's inode number says what it is (procfs_priv.h), so read_vnode
 * decodes it and vnodes carry no private data; none is kept once unused.
 * A file is generated on every read, whole, into a buffer (a page first,
 * twice as big while it does not fit, up to PROCFS_BUF_MAX), and the read
 * copies the part at the offset asked for: offsets, lseek and small reads
 * behave as on Linux, and each read shows the state at that moment (a
 * reader reading in pieces while things change may see a seam, as with
 * Linux's large files).  A descriptor open on a file of a process that
 * has since been reaped reads -ESRCH, as on Linux; a zombie's files still
 * read (state Z, no memory).
 *
 * Directories list ".", "..", their fixed entries, then the processes
 * (the root), threads (PID/task) or descriptors (PID/fd) in increasing
 * order: readdir's position is the index of a fixed entry, or
 * PROCFS_DYN_COOKIE plus the next id to look for, so a listing in pieces
 * neither repeats nor skips an entry that stays.
 *
 * Locks: none of its own.  Process data is read under proc_lock
 * (procfs_target_proc_locked), address spaces through procfs_vm_ops.
 */
#include "fs/procfs.h"
#include "fs/file.h"
#include "procfs_priv.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pframe.h"
#include "proc/cred.h"
#include "proc/kthread.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define PROCFS_BUF_MAX (1u << 20)	/* the largest file generated */
#define PROCFS_DYN_COOKIE 1024		/* readdir: ids from here on */
#define PROCFS_FIRST_FIXED 2		/* readdir: after "." and ".." */
#define PROCFS_NAME_LEN 12		/* decimal ids */

const procfs_vm_ops_t *procfs_vm_ops;	/* set once by the VM at boot */
static fs_t procfs;
static bool procfs_mounted;		/* under the VFS's mount_mutex */
static const vnode_ops_t procfs_dir_ops, procfs_file_ops, procfs_link_ops;
static const mmobj_ops_t procfs_mmobj_ops;

/* ---- the text buffer ---------------------------------------------------- */

void procfs_put(procfs_buf_t *b, const void *data, size_t n)
{
	if (n > b->cap - b->len) {
		b->overflow = true;
		n = b->cap - b->len;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

void procfs_printf(procfs_buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if ((size_t)n >= room) {
		b->overflow = true;
		b->len = b->cap;
	} else {
		b->len += (size_t)n;
	}
}

/* ---- inode numbers ------------------------------------------------------ */

static procfs_kind_t ino_kind(ino_t ino) { return (procfs_kind_t)(ino & PROCFS_KIND_MASK); }
static int ino_id(ino_t ino) { return (int)((ino >> PROCFS_KIND_BITS) & PROCFS_ID_MASK); }
static bool ino_task(ino_t ino) { return ino & PROCFS_INO_TASK; }

static bool kind_is_dir(procfs_kind_t k)
{
	return k == PK_ROOT || k == PK_SYS || k == PK_SYS_KERNEL || k == PK_SYS_VM || k == PK_PID ||
	       k == PK_TASK ||
	       k == PK_FD;
}

/* The fixed entries of directory ino (NULL: none). */
static const procfs_table_t *dir_table(ino_t ino)
{
	switch (ino_kind(ino)) {
	case PK_ROOT: return &procfs_root_table;
	case PK_SYS: return &procfs_sys_table;
	case PK_SYS_KERNEL: return &procfs_sys_kernel_table;
	case PK_SYS_VM: return &procfs_sys_vm_table;
	case PK_PID: return ino_task(ino) ? &procfs_tid_table : &procfs_pid_table;
	default: return NULL;
	}
}

static const procfs_node_t *find_kind(const procfs_table_t *t, procfs_kind_t k)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->nodes[i].kind == k)
			return &t->nodes[i];
	return NULL;
}

/* The table entry describing a file of kind k (any table will do: a kind
 * means the same everywhere). */
static const procfs_node_t *node_of(procfs_kind_t k)
{
	static const procfs_table_t *const all[] = {
		&procfs_root_table, &procfs_sys_table, &procfs_sys_kernel_table,
		&procfs_sys_vm_table, &procfs_pid_table,
	};
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		const procfs_node_t *n = find_kind(all[i], k);
		if (n)
			return n;
	}
	return NULL;
}

static procfs_target_t target_of(ino_t ino)
{
	procfs_target_t t = { .pid = 0, .tid = 0 };
	if (ino_task(ino)) {
		t.tid = ino_id(ino);
		spin_lock(&proc_lock);
		kthread_t *thr = proc_thread_lookup_locked(t.tid);
		t.pid = thr ? thr->proc->pid : -1;
		spin_unlock(&proc_lock);
	} else {
		t.pid = ino_id(ino);
	}
	return t;
}

/* ---- processes ---------------------------------------------------------- */

proc_t *procfs_target_proc_locked(const procfs_target_t *t, kthread_t **thr)
{
	*thr = NULL;
	if (t->tid) {
		kthread_t *k = proc_thread_lookup_locked(t->tid);
		if (!k || k->proc->pid != t->pid)
			return NULL;
		*thr = k;
		return k->proc;
	}
	proc_t *p = t->pid > 0 ? proc_lookup_locked(t->pid) : NULL;
	if (!p)
		return NULL;
	list_t *l;
	list_for_each(l, &p->threads) {
		kthread_t *k = list_entry(l, kthread_t, proc_link);
		if (k->state != KT_EXITED) {
			*thr = k;
			break;
		}
	}
	return p;
}

uint32_t procfs_uid(proc_t *p)
{
	cred_t c;
	cred_get(p, &c);
	return c.uid.eff;
}

uint32_t procfs_gid(proc_t *p)
{
	cred_t c;
	cred_get(p, &c);
	return c.gid.eff;
}

static bool target_exists(const procfs_target_t *t)
{
	kthread_t *thr;
	spin_lock(&proc_lock);
	bool ok = procfs_target_proc_locked(t, &thr) != NULL;
	spin_unlock(&proc_lock);
	return ok;
}

/* ---- vnodes ------------------------------------------------------------- */

static int procfs_read_vnode(fs_t *fs, vnode_t *vn)
{
	procfs_kind_t k = ino_kind(vn->vn_ino);
	if (kind_is_dir(k)) {
		vn->vn_mode = PROCFS_DIR_MODE;
		vn->vn_ops = &procfs_dir_ops;
	} else if (k >= PK_FD_BASE) {
		vn->vn_mode = PROCFS_LINK_MODE;
		vn->vn_ops = &procfs_link_ops;
	} else {
		const procfs_node_t *n = node_of(k);
		if (!n)
			return -ENOENT;
		vn->vn_mode = n->mode;
		vn->vn_ops = S_ISLNK(n->mode) ? &procfs_link_ops : &procfs_file_ops;
	}
	vn->vn_mmobj.mo_ops = &procfs_mmobj_ops;
	return 0;
}

/* Generates vn's contents (or target) into a fresh buffer. */
static int generate(vnode_t *vn, procfs_buf_t *b)
{
	procfs_kind_t k = ino_kind(vn->vn_ino);
	procfs_target_t t = target_of(vn->vn_ino);
	const procfs_node_t *n = k >= PK_FD_BASE ? NULL : node_of(k);
	if (k < PK_FD_BASE && (!n || !n->show))
		return -EINVAL;
	if ((t.pid || t.tid) && !target_exists(&t))
		return -ESRCH;
	for (size_t cap = PAGE_SIZE; cap <= PROCFS_BUF_MAX; cap *= 2) {
		memset(b, 0, sizeof(*b));
		b->cap = cap;
		if (!(b->data = kmalloc(cap)))
			return -ENOMEM;
		int rc = n ? n->show(&t, b) : procfs_show_fd(&t, (int)(k - PK_FD_BASE), b);
		if (rc == 0 && !b->overflow)
			return 0;
		kfree(b->data);
		b->data = NULL;
		if (rc < 0)
			return rc;
	}
	return -EFBIG;
}

static ssize_t procfs_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags)
{
	procfs_buf_t b;
	int rc = generate(vn, &b);
	if (rc < 0)
		return rc;
	size_t got = 0;
	if (*pos < (off64_t)b.len) {
		got = MIN(n, b.len - (size_t)*pos);
		memcpy(buf, b.data + *pos, got);
		*pos += got;
	}
	kfree(b.data);
	return (ssize_t)got;
}

/* A knob's write: the whole buffer goes to its store (only root may
 * open it for writing: its mode is 0644, owned by root). */
static ssize_t procfs_write(vnode_t *vn, off64_t *pos, const void *buf, size_t n,
			    uint32_t ioflags)
{
	procfs_kind_t k = ino_kind(vn->vn_ino);
	const procfs_node_t *n_ = k >= PK_FD_BASE ? NULL : node_of(k);
	if (!n_ || !n_->store)
		return -EINVAL;
	int rc = n_->store(buf, n);
	return rc < 0 ? rc : (ssize_t)n;
}

static ssize_t procfs_readlink(vnode_t *vn, char *buf, size_t n)
{
	procfs_buf_t b;
	int rc = generate(vn, &b);
	if (rc < 0)
		return rc;
	size_t got = MIN(n, b.len);
	memcpy(buf, b.data, got);
	kfree(b.data);
	return (ssize_t)got;
}

static int procfs_stat(vnode_t *vn, struct stat64 *st)
{
	uint32_t now = vfs_time_now();
	st->st_nlink = S_ISDIR(vn->vn_mode) ? 2 : 1;
	st->st_atime = st->st_mtime = st->st_ctime = now;
	procfs_target_t t = target_of(vn->vn_ino);
	if (t.pid > 0) {
		kthread_t *thr;
		spin_lock(&proc_lock);
		proc_t *p = procfs_target_proc_locked(&t, &thr);
		if (p) {
			st->st_uid = procfs_uid(p);
			st->st_gid = procfs_gid(p);
		}
		spin_unlock(&proc_lock);
	}
	return 0;
}

/* ---- directories -------------------------------------------------------- */

/* A decimal id without sign or leading zero (Linux's rule), or -1. */
static int parse_id(const char *name, size_t len)
{
	if (len == 0 || len > 5 || (name[0] == '0' && len > 1))
		return -1;
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v <= (int)PROCFS_ID_MASK ? v : -1;
}

/* The smallest id >= from among directory dir's dynamic entries (the
 * processes, a process's threads or its descriptors), or -1. */
static int next_id(ino_t dir, int from)
{
	int best = -1;
	procfs_kind_t k = ino_kind(dir);
	procfs_target_t t = { .pid = ino_id(dir), .tid = 0 };
	list_t *l;
	if (k != PK_ROOT && k != PK_TASK && k != PK_FD)
		return -1;
	spin_lock(&proc_lock);
	if (k == PK_ROOT) {
		list_for_each(l, proc_list_locked()) {
			proc_t *p = list_entry(l, proc_t, all_link);
			if (p->pid > 0 && p->pid >= from && (best < 0 || p->pid < best))
				best = p->pid;
		}
		goto out;
	}
	kthread_t *thr;
	proc_t *p = procfs_target_proc_locked(&t, &thr);
	if (!p)
		goto out;
	if (k == PK_TASK) {
		list_for_each(l, &p->threads) {
			kthread_t *thread = list_entry(l, kthread_t, proc_link);
			int id = thread->utid;
			if (thread->state != KT_EXITED && id > 0 && id >= from && (best < 0 || id < best))
				best = id;
		}
	} else if (p->files) {
		spin_lock(&p->files->fd_lock);
		for (int fd = MAX(from, 0); fd < VFS_NFILES && best < 0; fd++)
			if (p->files->fd_files[fd])
				best = fd;
		spin_unlock(&p->files->fd_lock);
	}
out:
	spin_unlock(&proc_lock);
	return best;
}

/* The vnode number of dynamic entry id of directory dir, if it exists. */
static int dyn_entry(ino_t dir, int id, ino_t *ino, uint8_t *type)
{
	if (next_id(dir, id) != id)
		return -ENOENT;
	switch (ino_kind(dir)) {
	case PK_ROOT:
		*ino = procfs_ino(PK_PID, id, false);
		*type = DT_DIR;
		return 0;
	case PK_TASK:
		*ino = procfs_ino(PK_PID, id, true);
		*type = DT_DIR;
		return 0;
	default:	/* PK_FD */
		*ino = procfs_ino((procfs_kind_t)(PK_FD_BASE + id), ino_id(dir), false);
		*type = DT_LNK;
		return 0;
	}
}

static ino_t parent_of(ino_t dir)
{
	switch (ino_kind(dir)) {
	case PK_SYS_KERNEL:
	case PK_SYS_VM:
		return procfs_ino(PK_SYS, 0, false);
	case PK_TASK:
	case PK_FD:
		return procfs_ino(PK_PID, ino_id(dir), false);
	case PK_PID:
		if (ino_task(dir)) {
			procfs_target_t t = target_of(dir);
			return procfs_ino(PK_TASK, t.pid > 0 ? t.pid : 0, false);
		}
		return procfs_ino(PK_ROOT, 0, false);
	default:	/* the root (namev climbs out of it) and /proc/sys */
		return procfs_ino(PK_ROOT, 0, false);
	}
}

static int procfs_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
	ino_t ino = 0;
	if (len == 1 && name[0] == '.') {
		vref(dir);
		*out = dir;
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		ino = parent_of(dir->vn_ino);
		if (ino == dir->vn_ino) {
			vref(dir);
			*out = dir;
			return 0;
		}
		return vnode_get(&procfs, ino, out);
	}
	const procfs_table_t *t = dir_table(dir->vn_ino);
	for (size_t i = 0; t && i < t->n; i++) {
		if (strlen(t->nodes[i].name) == len && memcmp(t->nodes[i].name, name, len) == 0) {
			ino = procfs_ino(t->nodes[i].kind, ino_id(dir->vn_ino), ino_task(dir->vn_ino));
			break;
		}
	}
	uint8_t type;
	int id = parse_id(name, len);
	if (!ino && (id < 0 || dyn_entry(dir->vn_ino, id, &ino, &type) < 0))
		return -ENOENT;
	procfs_target_t owner = target_of(dir->vn_ino);
	if (ino_id(dir->vn_ino) && !target_exists(&owner))
		return -ENOENT;	/* the process went away */
	return vnode_get(&procfs, ino, out);
}

static int procfs_readdir(vnode_t *dir, off64_t *pos, vfs_dirent_t *out)
{
	const procfs_table_t *t = dir_table(dir->vn_ino);
	size_t nfixed = t ? t->n : 0;
	if (*pos < PROCFS_FIRST_FIXED) {
		out->d_ino = *pos == 0 ? dir->vn_ino : parent_of(dir->vn_ino);
		out->d_type = DT_DIR;
		strlcpy(out->d_name, *pos == 0 ? "." : "..", sizeof(out->d_name));
		*pos += 1;
		return 1;
	}
	if (*pos < PROCFS_FIRST_FIXED + (off64_t)nfixed) {
		const procfs_node_t *n = &t->nodes[*pos - PROCFS_FIRST_FIXED];
		out->d_ino = procfs_ino(n->kind, ino_id(dir->vn_ino), ino_task(dir->vn_ino));
		out->d_type = S_ISDIR(n->mode) ? DT_DIR : S_ISLNK(n->mode) ? DT_LNK : DT_REG;
		strlcpy(out->d_name, n->name, sizeof(out->d_name));
		*pos += 1;
		return 1;
	}
	if (*pos < PROCFS_DYN_COOKIE)
		*pos = PROCFS_DYN_COOKIE;
	int id = next_id(dir->vn_ino, (int)(*pos - PROCFS_DYN_COOKIE));
	if (id < 0 || dyn_entry(dir->vn_ino, id, &out->d_ino, &out->d_type) < 0)
		return 0;
	snprintf(out->d_name, sizeof(out->d_name), "%d", id);
	*pos = PROCFS_DYN_COOKIE + id + 1;
	return 1;
}

static const vnode_ops_t procfs_dir_ops = {
	.lookup = procfs_lookup,
	.readdir = procfs_readdir,
	.stat = procfs_stat,
};

static const vnode_ops_t procfs_file_ops = {
	.read = procfs_read,
	.write = procfs_write,
	.stat = procfs_stat,
};

static const vnode_ops_t procfs_link_ops = {
	.readlink = procfs_readlink,
	.stat = procfs_stat,
};

/* The files have no pages: a mapping of one faults with SIGBUS. */
static int procfs_no_pages(mmobj_t *o, pframe_t *pf) { return -EINVAL; }
static uint32_t procfs_fault_begin(mmobj_t *o, bool store) { return 0; }
static void procfs_fault_end(mmobj_t *o) { }

static const mmobj_ops_t procfs_mmobj_ops = {
	.ref = vnode_mmobj_ref,
	.put = vnode_mmobj_put,
	.fill_page = procfs_no_pages,
	.fault_begin = procfs_fault_begin,
	.fault_end = procfs_fault_end,
};

/* ---- the file system ---------------------------------------------------- */

static int procfs_unmount(fs_t *fs)
{
	if (vnode_refcount(fs->fs_root) > 1)
		return -EBUSY;
	procfs_mounted = false;
	procfs.fs_covered = NULL;
	return 0;
}

static const fs_ops_t procfs_ops = {
	.read_vnode = procfs_read_vnode,
	.unmount = procfs_unmount,
};

/* One instance, shown at one place at a time (a second mount: -EBUSY). */
int procfs_mount(struct blockdev *bd, fs_t **out)
{
	if (procfs_mounted)
		return -EBUSY;
	procfs_mounted = true;
	*out = &procfs;
	return 0;
}

void procfs_init(void)
{
	fs_init_common(&procfs, "proc", "proc", vfs_anon_dev(), &procfs_ops);
	int rc = vnode_get(&procfs, procfs_ino(PK_ROOT, 0, false), &procfs.fs_root);
	KASSERT(rc == 0, "no memory for the /proc root (%d)", rc);
}
