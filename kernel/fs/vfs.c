/*
 * The VFS core: file-system types, the mount table, the root, syncing,
 * the periodic flusher, the per-process hooks, and the boot wiring.
 *
 * The mount table is the list of mounted file systems, the root's first.
 * Mounting sets the covered directory's vn_mounted (its reference then
 * belongs to the mount) and unmounting clears it, both under mount_lock,
 * which also covers the list and each fs's fs_covered.  mount_mutex
 * serialises whole mount and unmount operations (they sleep) and walks
 * of the list that call into file systems.  Unmounting first takes the
 * file system out of the tree (so lookups stop entering it), then asks
 * it to tear down, putting it back if it is busy.  The root is fixed once
 * mounted at boot.
 *
 * A file system on a block device owns it (blockdev_claim) from mount to
 * unmount, so a device is mounted at most once and is not open for
 * writing while mounted (drivers/blockdev.h).  A mount names its device
 * by the path of a block device file, as on Linux ("/dev/hdb"); the root
 * is mounted before /dev exists, from the registry.
 *
 * The flusher is a kernel thread of the idle process: every
 * VFS_FLUSH_INTERVAL_MS it syncs as sync(2) does (every file system's
 * sync: S5FS commits its journal; then every dirty page), so data and
 * names reach the disk, durably, without waiting for an fsync, sync or
 * unmount.
 *
 * Processes reach the VFS through proc_fs_ops: a new process gets an
 * empty descriptor table and its parent's working directory; a reaped
 * one gives both back.
 */
#include "fs/vfs.h"
#include "fs/anonfs.h"
#include "fs/file.h"
#include "fs/memfd.h"
#include "fs/mqueue.h"
#include "fs/namev.h"
#include "fs/pipe.h"
#include "fs/procfs.h"
#include "fs/ramfs.h"
#include "fs/s5fs.h"
#include "fs/vfs_syscall.h"
#include "drivers/blockdev.h"
#include "drivers/chardev.h"
#include "drivers/clock.h"
#include "mm/pframe.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define DEV_DIR_MODE 0755
#define SHM_DIR_MODE 01777
#define CHR_NODE_MODE (S_IFCHR | 0666)
#define BLK_NODE_MODE (S_IFBLK | 0660)
#define DEV_PATH_MAX 32
#define PATH_MAX_PRINT 128	/* mount points as the kshell shows them */

static const fs_type_t fs_types[] = {
	{ "ramfs", ramfs_mount, false },
	{ "s5fs", s5fs_mount, true },
	{ "mqueue", mqueue_fs_mount, false },
	{ "proc", procfs_mount, false },
};

static spinlock_t mount_lock = SPINLOCK_INIT("mount table, vn_mounted, fs_covered");
static kmutex_t mount_mutex;		/* one mount or unmount at a time */
static list_t mount_table = LIST_INIT(mount_table);
static fs_t *root_fs;
static spinlock_t anon_dev_lock = SPINLOCK_INIT("anonymous device numbers");
static uint32_t next_anon_minor = 1;
static bool vfs_ready;

void fs_init_common(fs_t *fs, const char *type, const char *devname, dev_t dev,
		    const fs_ops_t *ops)
{
	memset(fs, 0, sizeof(*fs));
	strlcpy(fs->fs_type, type, sizeof(fs->fs_type));
	strlcpy(fs->fs_devname, devname ? devname : type, sizeof(fs->fs_devname));
	fs->fs_dev = dev;
	fs->fs_ops = ops;
	spinlock_init(&fs->fs_vnode_lock, "vnode cache and refcounts");
	for (size_t i = 0; i < FS_VNODE_HASH_SIZE; i++)
		list_init(&fs->fs_vnode_hash[i]);
	list_init(&fs->fs_unused);
	kmutex_init(&fs->fs_rename_mutex, "rename");
	list_init(&fs->fs_mount_link);
}

dev_t vfs_anon_dev(void)
{
	spin_lock(&anon_dev_lock);
	uint32_t minor = next_anon_minor++;
	spin_unlock(&anon_dev_lock);
	return MKDEV(0, minor);
}

uint32_t vfs_time_now(void)
{
	int64_t now = clock_realtime_sec();
	return now > UINT32_MAX ? UINT32_MAX : (uint32_t)now;
}

vnode_t *vfs_root_vnode(void)
{
	if (!root_fs)
		return NULL;
	vref(root_fs->fs_root);
	return root_fs->fs_root;
}

const char *vfs_root_type(void)
{
	return root_fs ? root_fs->fs_type : "none";
}

vnode_t *vfs_mounted_root(vnode_t *vn)
{
	vnode_t *root = NULL;
	spin_lock(&mount_lock);
	fs_t *fs = vn->vn_mounted;
	if (fs) {
		root = fs->fs_root;
		vref(root);
	}
	spin_unlock(&mount_lock);
	return root;
}

static const fs_type_t *find_type(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
		if (strcmp(fs_types[i].name, name) == 0)
			return &fs_types[i];
	return NULL;
}

/* The block device whose device file is at source: -ENOENT and the other
 * lookup errors, -ENOTBLK (not a block device file), -ENXIO (no driver). */
static int source_device(const char *source, blockdev_t **out)
{
	if (!source)
		return -EINVAL;
	vnode_t *vn;
	int rc = namev_resolve(NULL, source, NAMEV_FOLLOW, &vn);
	if (rc < 0)
		return rc;
	bool blk = S_ISBLK(vn->vn_mode);
	dev_t dev = vn->vn_rdev;
	vput(vn);		/* devices never go away: the number is enough */
	if (!blk)
		return -ENOTBLK;
	*out = blockdev_lookup(dev);
	return *out ? 0 : -ENXIO;
}

/* Builds a file system of type t, on bd if t needs a device, which it
 * then owns: -EBUSY if bd is mounted or open for writing already. */
static int mount_fs(const fs_type_t *t, blockdev_t *bd, fs_t **out)
{
	int rc = bd ? blockdev_claim(bd) : 0;
	if (rc < 0)
		return rc;
	if ((rc = t->mount(bd, out)) < 0) {
		if (bd)
			blockdev_unclaim(bd);
		return rc;
	}
	(*out)->fs_bdev = bd;
	return 0;
}

int vfs_mount(const char *type, const char *source, const char *path)
{
	return vfs_mount_flags(type, source, path, 0);
}

int vfs_mount_flags(const char *type, const char *source, const char *path, uint32_t flags)
{
	const fs_type_t *t = find_type(type);
	if (!t)
		return -ENODEV;
	vnode_t *mp;
	int rc = namev_resolve(NULL, path, NAMEV_FOLLOW, &mp);
	if (rc < 0)
		return rc;
	if (!S_ISDIR(mp->vn_mode)) {
		vput(mp);
		return -ENOTDIR;
	}
	blockdev_t *bd = NULL;
	if (t->needs_device && (rc = source_device(source, &bd)) < 0) {
		vput(mp);
		return rc;
	}
	kmutex_lock(&mount_mutex);
	if (mp->vn_mounted || mp == mp->vn_fs->fs_root) {
		rc = -EBUSY;
		goto out_put;
	}
	fs_t *fs;
	if ((rc = mount_fs(t, bd, &fs)) < 0)
		goto out_put;
	fs->fs_flags = flags & FS_NOSUID;
	spin_lock(&mount_lock);
	fs->fs_covered = mp;		/* the mount keeps our reference */
	mp->vn_mounted = fs;
	list_insert_tail(&mount_table, &fs->fs_mount_link);
	spin_unlock(&mount_lock);
	kmutex_unlock(&mount_mutex);
	dbg(DBG_VFS, "mounted %s (%s) on %s\n", fs->fs_type, fs->fs_devname, path);
	return 0;
out_put:
	kmutex_unlock(&mount_mutex);
	vput(mp);
	return rc;
}

/* Whether some mounted file system sits on a directory of fs. */
static bool has_submounts(fs_t *fs)
{
	list_t *l;
	list_for_each(l, &mount_table) {
		fs_t *other = list_entry(l, fs_t, fs_mount_link);
		if (other->fs_covered && other->fs_covered->vn_fs == fs)
			return true;
	}
	return false;
}

int vfs_unmount(const char *path)
{
	vnode_t *vn;
	kmutex_lock(&mount_mutex);	/* first: fs must not go away under us */
	int rc = namev_resolve(NULL, path, NAMEV_FOLLOW, &vn);
	if (rc < 0)
		goto out;
	fs_t *fs = vn->vn_fs;
	bool is_mount = vn == fs->fs_root && fs->fs_covered;
	vput(vn);		/* the mount's own reference remains */
	if (!is_mount) {
		rc = -EINVAL;
		goto out;
	}
	spin_lock(&mount_lock);
	bool busy = has_submounts(fs);
	if (!busy) {
		fs->fs_covered->vn_mounted = NULL;	/* lookups stop entering */
		list_remove(&fs->fs_mount_link);
	}
	spin_unlock(&mount_lock);
	if (busy) {
		rc = -EBUSY;
		goto out;
	}
	vnode_t *covered = fs->fs_covered;
	blockdev_t *bd = fs->fs_bdev;
	rc = fs->fs_ops->unmount(fs);	/* frees fs when it succeeds */
	if (rc < 0) {
		spin_lock(&mount_lock);
		covered->vn_mounted = fs;
		list_insert_tail(&mount_table, &fs->fs_mount_link);
		spin_unlock(&mount_lock);
		goto out;
	}
	vput(covered);
	if (bd)
		blockdev_unclaim(bd);	/* the device may be mounted or written again */
	dbg(DBG_VFS, "unmounted %s\n", path);
out:
	kmutex_unlock(&mount_mutex);
	return rc;
}

int vfs_statfs(const char *path, vfs_statfs_t *st)
{
	vnode_t *vn;
	int rc = namev_resolve(NULL, path, NAMEV_FOLLOW, &vn);
	if (rc < 0)
		return rc;
	memset(st, 0, sizeof(*st));
	st->f_namelen = NAME_MAX;
	fs_t *fs = vn->vn_fs;
	rc = fs->fs_ops->statfs ? fs->fs_ops->statfs(fs, st) : 0;
	vput(vn);
	return rc;
}

/* Calls fn on each mounted file system, in mount order, without holding
 * mount_lock during the call (mount_mutex keeps the list still). */
static int for_each_fs(int (*fn)(fs_t *fs))
{
	int first_err = 0;
	kmutex_lock(&mount_mutex);
	list_t *l;
	list_for_each(l, &mount_table) {
		int rc = fn(list_entry(l, fs_t, fs_mount_link));
		if (rc < 0 && !first_err)
			first_err = rc;
	}
	kmutex_unlock(&mount_mutex);
	return first_err;
}

int vfs_for_each_mount(int (*fn)(fs_t *fs, void *arg), void *arg)
{
	int first_err = 0;
	kmutex_lock(&mount_mutex);
	list_t *l;
	list_for_each(l, &mount_table) {
		int rc = fn(list_entry(l, fs_t, fs_mount_link), arg);
		if (rc < 0 && !first_err)
			first_err = rc;
	}
	kmutex_unlock(&mount_mutex);
	return first_err;
}

const fs_type_t *vfs_type_at(size_t i)
{
	return i < ARRAY_SIZE(fs_types) ? &fs_types[i] : NULL;
}

static int print_one(fs_t *fs)
{
	char path[PATH_MAX_PRINT];
	int rc = fs->fs_covered ? namev_path(fs->fs_covered, path, sizeof(path)) : 0;
	kprintf("%-8s %-6s on %s (%u vnodes)\n", fs->fs_devname, fs->fs_type,
		!fs->fs_covered ? "/" : rc > 0 ? path : "?", (unsigned)fs->fs_nvnodes);
	return 0;
}

void vfs_print_mounts(void)
{
	for_each_fs(print_one);
}

static int sync_one(fs_t *fs)
{
	return fs->fs_ops->sync ? fs->fs_ops->sync(fs) : 0;
}

static int flush_one(fs_t *fs)
{
	vnode_flush_unused(fs);
	return 0;
}

int vfs_sync(void)
{
	if (!vfs_ready)
		return 0;
	int rc = for_each_fs(sync_one);
	int rc2 = pframe_sync_all();
	return rc ? rc : rc2;
}

static int shutdown_one(fs_t *fs)
{
	if (fs->fs_ops->shutdown)
		fs->fs_ops->shutdown(fs);
	return 0;
}

void vfs_shutdown(void)
{
	if (!vfs_ready)
		return;
	int rc = vfs_sync();
	if (rc < 0)
		kprintf("vfs: sync before shutdown failed (%d)\n", rc);
	for_each_fs(shutdown_one);
}

void vfs_drop_caches(void)
{
	if (!vfs_ready)
		return;
	vfs_sync();
	for_each_fs(flush_one);
	pframe_reclaim_all();
}

/* ---- processes ------------------------------------------------------- */

static int vfs_proc_init(proc_t *p, proc_t *parent)
{
	p->files = fdtable_create();
	if (!p->files)
		return -ENOMEM;
	p->cwd = parent ? parent->cwd : NULL;
	if (p->cwd)
		vref(p->cwd);
	return 0;
}

/* The table and directory leave the process under proc_lock, so /proc,
 * which takes them under it, never sees them freed. */
static void vfs_proc_release(proc_t *p)
{
	spin_lock(&proc_lock);
	fdtable_t *files = p->files;
	vnode_t *cwd = p->cwd;
	p->files = NULL;
	p->cwd = NULL;
	spin_unlock(&proc_lock);
	if (files)
		fdtable_destroy(files);
	if (cwd)
		vput(cwd);
}

void vfs_set_cwd(proc_t *p, vnode_t *vn)
{
	spin_lock(&proc_lock);
	vnode_t *old = p->cwd;
	p->cwd = vn;
	spin_unlock(&proc_lock);
	if (old)
		vput(old);
}

void vfs_set_files(proc_t *p, struct fdtable *files)
{
	spin_lock(&proc_lock);
	fdtable_t *old = p->files;
	p->files = files;
	spin_unlock(&proc_lock);
	if (old)
		fdtable_destroy(old);
}

static const proc_fs_ops_t vfs_proc_ops = {
	.init = vfs_proc_init,
	.release = vfs_proc_release,
};

/* ---- boot ------------------------------------------------------------ */

void vfs_init(void)
{
	if (vfs_ready)
		return;
	kmutex_init(&mount_mutex, "mount table");
	pframe_init();
	vnode_init();
	file_init();
	namev_init();
	pipe_init();
	mqueue_init();
	procfs_init();
	memfd_init();
	anonfs_init();
	proc_fs_ops = &vfs_proc_ops;
	if (!curproc->files)
		curproc->files = fdtable_create();
	KASSERT(curproc->files, "no memory for the idle process's descriptors");
	vfs_ready = true;
}

static void mount_root(fs_t *fs)
{
	spin_lock(&mount_lock);
	root_fs = fs;
	list_insert_head(&mount_table, &fs->fs_mount_link);
	spin_unlock(&mount_lock);
}

/* The root is S5FS on the named block device ("hda" unless the command
 * line says root=NAME or root=/dev/NAME), else an empty ramfs. */
static fs_t *choose_root(const char *device)
{
	fs_t *fs;
	if (!device || !*device)
		device = S5FS_ROOT_DEVICE;
	if (strncmp(device, "/dev/", 5) == 0)
		device += 5;
	blockdev_t *bd = blockdev_lookup_name(device);
	if (bd && mount_fs(find_type("s5fs"), bd, &fs) == 0) {
		kprintf("vfs: root is s5fs on %s\n", device);
		return fs;
	}
	int rc = mount_fs(find_type("ramfs"), NULL, &fs);
	KASSERT(rc == 0, "cannot make a ramfs root (%d)", rc);
	kprintf("vfs: %s %s; root is a ramfs\n",
		bd ? "no usable S5FS on" : "no block device", device);
	return fs;
}

static void make_node(const char *name, mode_t mode, dev_t dev)
{
	char path[DEV_PATH_MAX];
	snprintf(path, sizeof(path), "/dev/%s", name);
	int rc = do_mknod(path, mode, dev);
	if (rc < 0)
		kprintf("vfs: cannot make %s: %d\n", path, rc);
}

static void populate_dev(void)
{
	for (chardev_t *cd = chardev_next(NULL); cd; cd = chardev_next(cd))
		make_node(cd->name, CHR_NODE_MODE, cd->dev);
	for (blockdev_t *bd = blockdev_next(NULL); bd; bd = blockdev_next(bd))
		make_node(bd->name, BLK_NODE_MODE, bd->dev);
}

/* mkdir that accepts an existing directory. */
static int ensure_dir(const char *path)
{
	int rc = do_mkdir(path, DEV_DIR_MODE);
	return rc == -EEXIST ? 0 : rc;
}

static void mount_dev(void)
{
	int rc = ensure_dir("/dev");
	if (rc == 0)
		rc = vfs_mount("ramfs", NULL, "/dev");
	if (rc < 0) {
		kprintf("vfs: cannot mount /dev: %d\n", rc);
		return;
	}
	populate_dev();
	rc = ensure_dir("/dev/shm");
	if (rc == 0)
		rc = vfs_mount("ramfs", NULL, "/dev/shm");
	if (rc == 0)
		rc = do_chmod("/dev/shm", SHM_DIR_MODE);	/* everyone's, sticky */
	if (rc < 0)
		kprintf("vfs: cannot mount /dev/shm: %d\n", rc);
}

static void mount_proc(void)
{
	int rc = ensure_dir("/proc");
	if (rc == 0)
		rc = vfs_mount("proc", NULL, "/proc");
	if (rc < 0)
		kprintf("vfs: cannot mount /proc: %d\n", rc);
}

static void *flusher_main(long arg1, void *arg2)
{
	while (sched_sleep_ms(VFS_FLUSH_INTERVAL_MS) == 0)
		vfs_sync();
	return NULL;		/* cancelled: the machine is going down */
}

static volatile bool root_ready;
static const char *root_device;	/* vfs_init_root's argument, for its thread */

static void *root_thread_main(long arg1, void *arg2)
{
	mount_root(choose_root(root_device));
	mount_dev();
	mount_proc();
	proc_t *idle = arg2;
	idle->cwd = vfs_root_vnode();
	vfs_drop_caches();	/* start from an empty cache (tests count pages) */
	__atomic_store_n(&root_ready, true, __ATOMIC_RELEASE);
	return NULL;
}

void vfs_init_root(const char *device)
{
	root_device = device;
	vfs_init();
	kthread_t *t = kthread_create(curproc, root_thread_main, 0, curproc);
	KASSERT(t, "no memory for the root-mounting thread");
	sched_make_runnable(t);
	if (curthr == cpu_this()->idle_thread) {
		/* The boot thread may not sleep: idle until the work is done
		 * and the thread has switched away for good. */
		for (;;) {
			spin_lock(&sched_lock);
			bool done = t->state == KT_EXITED;
			spin_unlock(&sched_lock);
			if (done)
				break;
			sched_idle_once();
		}
		kthread_destroy(t);
	} else {
		kthread_join(t, NULL);
	}
	KASSERT(root_ready, "root not mounted");
	kthread_t *flusher = kthread_create(curproc, flusher_main, 0, NULL);
	KASSERT(flusher, "no memory for the page flusher");
	strlcpy(flusher->name, "flusher", sizeof(flusher->name));
	sched_make_runnable(flusher);
}
