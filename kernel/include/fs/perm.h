/* File permissions (kernel/fs/perm.c): the one place where the VFS asks
 * whether the caller may do something to a file, by Linux's rules.
 *
 * A vnode carries its owner and mode (vn_uid, vn_gid, vn_mode, kept by
 * the file system).  The caller's file-system uid and gid, and its
 * supplementary groups, choose the owner, group or other bits; a
 * file-system uid of 0 passes every read and write check, and an exec
 * check when the file is a directory or has an x bit.  Every system call
 * that names or opens a file comes here: path resolution for search (x)
 * on each directory, open for r/w, the name operations for w+x on the
 * parent (and the sticky bit), exec for x, the attribute calls for
 * ownership.  Failures are -EACCES for the mode bits and -EPERM for
 * ownership rules, as on Linux. */
#pragma once
#include "fs/vnode.h"

#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

/* 0 if the caller may access vn as mask (MAY_*) asks, else -EACCES. */
int perm_check(vnode_t *vn, int mask);
/* What opening with these flags asks (MAY_READ, MAY_WRITE; O_TRUNC
 * writes). */
int perm_open_mask(uint32_t oflags);
/* Creating name in dir (locked): search and write on dir; -EEXIST
 * rather than -EACCES when the name already exists, as Linux answers. */
int perm_may_create(vnode_t *dir, const char *name, size_t len);
/* Removing or renaming child away from dir: search and write on dir
 * (-EACCES), and in a sticky directory only the owner of the file or of
 * the directory, or root (-EPERM). */
int perm_may_delete(vnode_t *dir, vnode_t *child);
/* Whether the caller owns vn or is root (the file-system ids). */
bool perm_owner(vnode_t *vn);
/* A new file's owner in dir (NULL: none): the caller's file-system uid,
 * and its gid unless dir is set-group-id, whose group (and, for a new
 * directory, the bit) the file then takes; *mode may gain S_ISGID. */
void perm_new_owner(vnode_t *dir, bool is_dir, mode_t *mode, uint32_t *uid, uint32_t *gid);
/* Checks a chmod, chown or utimes (what va asks) against the rules and
 * adjusts va as Linux does (chmod by a non-member drops S_ISGID; chown
 * drops S_ISUID and a group-executable S_ISGID).  0, -EPERM or -EACCES. */
int perm_setattr(vnode_t *vn, vattr_t *va, bool times_now);
/* After a write or truncate by an unprivileged caller: drops S_ISUID
 * and a group-executable S_ISGID, as Linux does. */
void perm_kill_suid(vnode_t *vn);
