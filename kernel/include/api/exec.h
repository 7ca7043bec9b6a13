/* execve (kernel/api/exec.c).
 *
 * Arguments and environment are first gathered into a kernel buffer
 * (exec_args_t, at most EXEC_ARG_MAX bytes of strings), so the old address
 * space can go once the new one is ready.  The new image gets a fresh
 * page directory and vmmap: the program's segments, a demand-paged stack
 * of USER_STACK_SIZE below USER_END, and on it argc, argv, envp and the
 * auxiliary vector (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY,
 * AT_RANDOM with 16 random bytes, AT_UID/EUID/GID/EGID, AT_SECURE,
 * AT_HWCAP, AT_PLATFORM, AT_EXECFN).  Nothing of the old image changes
 * until everything that can fail has succeeded. */
#pragma once
#include "util/types.h"
#include "entry/intr.h"

#define EXEC_ARG_MAX (128u * 1024)
#define EXEC_MAX_ARGS 4096
#define USER_STACK_SIZE (8u << 20)

typedef struct exec_args {
	char *strings;		/* argc argv strings, then envc envp strings */
	size_t used;
	int argc, envc;
} exec_args_t;

/* From user memory (execve's arguments). */
int exec_args_from_user(exec_args_t *a, uint32_t user_argv, uint32_t user_envp);
/* From kernel strings (the first program). */
int exec_args_from_kernel(exec_args_t *a, const char *const argv[], const char *const envp[]);
void exec_args_free(exec_args_t *a);

/* Interpreter scripts (api/exec_script.c): if vn starts with "#!", puts
 * the interpreter and its argument in front of args (argv[0] replaced,
 * file after them), sets *interp to the interpreter's path (kmalloc'd)
 * and returns 1; 0 if vn is not a script; -ENOEXEC for a bad #! line. */
#define EXEC_SCRIPT_LINE 256	/* bytes of the #! line read, as Linux */
#define EXEC_SCRIPT_DEPTH 4	/* scripts run by scripts, as Linux */
struct vnode;
int exec_script(struct vnode *vn, const char *file, exec_args_t *args, char **interp);

/* Replaces the calling process's image; on success fills *frame with the
 * new program's first user context. */
int exec_image(const char *path, exec_args_t *args, intr_frame_t *frame);
/* Runs path as the current (kernel) process's first user program; only
 * returns on failure. */
int exec_first_program(const char *path, const char *const argv[], const char *const envp[]);
