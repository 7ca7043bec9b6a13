/*
 * AF_UNIX names (net/unix.h): bind, the table of bound sockets, lookup
 * by address, getsockname/getpeername.
 *
 * A path name is an S_IFSOCK node made in its directory by bind (on any
 * file system: S5FS, ramfs), with the mode 0777 less the umask; the
 * socket keeps the node referenced and is found through it, so the name
 * can be unlinked (connect then finds nothing) or outlive the socket
 * (connect then finds no socket: ECONNREFUSED), as on Linux.  An abstract
 * name starts with a NUL; all its bytes count and it vanishes with its
 * socket.  Autobind (bind with only the family) picks an unused abstract
 * name of five hex digits.
 *
 * Locks: the names table (unix_names) and every socket's name are under
 * unix_lock; bind takes the socket's bind_mutex around the whole bind,
 * and makes the node without unix_lock (the VFS may sleep on the disk);
 * a path bind on a bound socket makes the node, then finds the socket
 * named and removes it again (EINVAL), as Linux does.
 */
#include "net/unix.h"
#include "fs/namev.h"
#include "fs/vfs_syscall.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define UNIX_SOCK_PERMS 0777
#define AUTOBIND_NAME_LEN 5		/* hex digits after the NUL */
#define AUTOBIND_SPACE 0xFFFFFu		/* names of five hex digits */

static list_t unix_names = LIST_INIT(unix_names);
static uint32_t autobind_next;		/* under unix_lock */

int unix_addr_check(const void *addr, uint32_t len)
{
	const struct linux_sockaddr_un *sun = addr;
	if (len <= SUN_PATH_OFFSET || len > sizeof(*sun))
		return -EINVAL;
	return sun->sun_family == AF_UNIX ? 0 : -EINVAL;
}

static bool is_abstract(const struct linux_sockaddr_un *sun)
{
	return sun->sun_path[0] == '\0';
}

/* The path of a path address as a string in buf (UNIX_PATH_MAX + 1). */
static size_t path_of(const struct linux_sockaddr_un *sun, uint32_t len, char *buf)
{
	size_t n = len - SUN_PATH_OFFSET;
	memcpy(buf, sun->sun_path, n);
	buf[n] = '\0';
	return strlen(buf);
}

/* The socket bound to an abstract name (unix_lock held), or NULL. */
static unix_sock_t *find_abstract(const struct linux_sockaddr_un *sun, uint32_t len)
{
	list_t *l;
	list_for_each(l, &unix_names) {
		unix_sock_t *u = list_entry(l, unix_sock_t, name_link);
		if (!u->name_vn && u->addrlen == len && !memcmp(&u->addr, sun, len))
			return u;
	}
	return NULL;
}

static unix_sock_t *find_vnode(const vnode_t *vn)
{
	list_t *l;
	list_for_each(l, &unix_names) {
		unix_sock_t *u = list_entry(l, unix_sock_t, name_link);
		if (u->name_vn == vn)
			return u;
	}
	return NULL;
}

/* Gives u the name (unix_lock held): -EINVAL if it has one already. */
static int name_set_locked(unix_sock_t *u, const void *addr, uint32_t len, vnode_t *vn)
{
	if (u->addrlen)
		return -EINVAL;
	memset(&u->addr, 0, sizeof(u->addr));
	memcpy(&u->addr, addr, len);
	u->addrlen = len;
	u->name_vn = vn;
	list_insert_tail(&unix_names, &u->name_link);
	return 0;
}

static int autobind_locked(unix_sock_t *u)
{
	if (u->addrlen)
		return 0;	/* Linux: a bound socket stays as it is */
	struct linux_sockaddr_un sun = { .sun_family = AF_UNIX };
	uint32_t len = SUN_PATH_OFFSET + 1 + AUTOBIND_NAME_LEN;
	for (uint32_t tries = 0; tries <= AUTOBIND_SPACE; tries++) {
		uint32_t n = autobind_next++ & AUTOBIND_SPACE;
		snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "%05x", n);
		if (!find_abstract(&sun, len))
			return name_set_locked(u, &sun, len, NULL);
	}
	return -ENOSPC;
}

static int bind_path(unix_sock_t *u, const struct linux_sockaddr_un *sun, uint32_t len)
{
	char path[UNIX_PATH_MAX + 1];
	size_t plen = path_of(sun, len, path);
	vnode_t *vn;
	mode_t mode = S_IFSOCK | (UNIX_SOCK_PERMS & ~curproc->umask);
	int rc = vfs_mknodat_vnode(AT_FDCWD, path, mode, 0, &vn);
	if (rc < 0)
		return rc == -EEXIST ? -EADDRINUSE : rc;
	struct linux_sockaddr_un name = { .sun_family = AF_UNIX };
	memcpy(name.sun_path, path, plen + 1);
	kmutex_lock(&unix_lock);
	rc = name_set_locked(u, &name, SUN_PATH_OFFSET + plen + 1, vn);
	kmutex_unlock(&unix_lock);
	if (rc < 0) {	/* bound already: as Linux, the node made goes again */
		vput(vn);
		do_unlink(path);
	}
	return rc;
}

int unix_bind(socket_t *so, const void *addr, uint32_t len)
{
	unix_sock_t *u = unix_of(so);
	const struct linux_sockaddr_un *sun = addr;
	int rc;
	kmutex_lock(&u->bind_mutex);
	if (len == SUN_PATH_OFFSET && sun->sun_family == AF_UNIX) {
		kmutex_lock(&unix_lock);
		rc = autobind_locked(u);
		kmutex_unlock(&unix_lock);
	} else if ((rc = unix_addr_check(addr, len)) == 0) {
		if (is_abstract(sun)) {
			kmutex_lock(&unix_lock);
			rc = u->addrlen ? -EINVAL
			     : find_abstract(sun, len) ? -EADDRINUSE : name_set_locked(u, sun, len, NULL);
			kmutex_unlock(&unix_lock);
		} else {
			rc = bind_path(u, sun, len);
		}
	}
	kmutex_unlock(&u->bind_mutex);
	return rc;
}

int unix_find(const void *addr, uint32_t len, int type, unix_sock_t **out)
{
	int rc = unix_addr_check(addr, len);
	if (rc < 0)
		return rc;
	const struct linux_sockaddr_un *sun = addr;
	vnode_t *vn = NULL;
	if (!is_abstract(sun)) {
		char path[UNIX_PATH_MAX + 1];
		path_of(sun, len, path);
		if ((rc = namev_resolve(NULL, path, NAMEV_FOLLOW, &vn)) < 0)
			return rc;
		if (!S_ISSOCK(vn->vn_mode)) {
			vput(vn);
			return -ECONNREFUSED;
		}
	}
	kmutex_lock(&unix_lock);
	unix_sock_t *u = vn ? find_vnode(vn) : find_abstract(sun, len);
	if (!u)
		rc = -ECONNREFUSED;
	else if (u->type != type)
		rc = -EPROTOTYPE;
	else
		unix_hold(u);
	kmutex_unlock(&unix_lock);
	if (vn)
		vput(vn);
	if (rc == 0)
		*out = u;
	return rc;
}

int unix_getname(socket_t *so, void *addr, uint32_t *len, bool peer)
{
	unix_sock_t *u = unix_of(so);
	int rc = 0;
	kmutex_lock(&unix_lock);
	unix_sock_t *t = peer ? u->peer : u;
	if (!t) {
		rc = -ENOTCONN;
	} else if (t->addrlen) {
		memcpy(addr, &t->addr, t->addrlen);
		*len = t->addrlen;
	} else {
		struct linux_sockaddr_un unnamed = { .sun_family = AF_UNIX };
		memcpy(addr, &unnamed, SUN_PATH_OFFSET);
		*len = SUN_PATH_OFFSET;
	}
	kmutex_unlock(&unix_lock);
	return rc;
}

void unix_name_remove(unix_sock_t *u, vnode_t **vn_out)
{
	if (list_linked(&u->name_link))
		list_remove(&u->name_link);
	*vn_out = u->name_vn;
	u->name_vn = NULL;
}
