/*
 * mos_execve, mos_execvp: execve and execvp that can start an i386
 * program on a host that cannot execute one itself.
 *
 * The M-OS programs are static i386 binaries that also run on Linux (the
 * host tests run them there).  A Linux host without 32-bit support (no
 * IA32 emulation, or a sandbox) runs them through a user-mode emulator,
 * qemu-i386; but the emulator covers only the program it was started
 * with: when that program execs another i386 program, the host kernel
 * answers ENOEXEC.  So where a program execs, it calls these instead.
 * When the environment variable MOS_I386_EMULATOR holds the absolute
 * path of the emulator (tools/i386-exec.sh sets it when it chose
 * qemu-i386) and the file is an executable i386 ELF program, they run
 *
 *     $MOS_I386_EMULATOR -0 ARGV0 -- FILE ARG1 ARG2...
 *
 * with the same environment (qemu-i386's -0 sets the program's argv[0];
 * qemu-i386 hands the program its own environment in reverse order, as it
 * builds its list by adding each variable at the head, so it is given
 * envp reversed, and the program sees envp in its order).
 * In every other case, and always on M-OS, where the variable is never
 * set, they are execve and execvp.  Only the caller's own environment is
 * read: a program exec'd with an environment that lacks the variable
 * (env -i) runs, but cannot start further i386 programs.
 *
 * Header-only, so that the utilities, the tests and the benchmark share
 * it without a library; safe in a vforked child (no allocation).
 */
#ifndef MOS_EXEC_H
#define MOS_EXEC_H

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MOS_I386_EMULATOR_ENV "MOS_I386_EMULATOR"
#define MOS_EXEC_DEFAULT_PATH "/bin:/usr/bin"

extern char **environ;

/* path is an executable regular file that starts as an i386 ELF does. */
static inline int mos_is_i386_program(const char *path)
{
	Elf32_Ehdr eh;
	struct stat st;
	ssize_t n;
	int fd;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, &eh, sizeof(eh));
	close(fd);
	return n == (ssize_t)sizeof(eh) && memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	       eh.e_ident[EI_CLASS] == ELFCLASS32 && eh.e_ident[EI_DATA] == ELFDATA2LSB &&
	       eh.e_machine == EM_386;
}

/* The emulator to start i386 programs through, or NULL. */
static inline const char *mos_i386_emulator(void)
{
	const char *emu = getenv(MOS_I386_EMULATOR_ENV);

	return emu && emu[0] == '/' ? emu : NULL;
}

static inline int mos_execve(const char *path, char *const argv[], char *const envp[])
{
	const char *emu = mos_i386_emulator();
	int argc = 0, envc = 0;

	if (!emu || !mos_is_i386_program(path))
		return execve(path, argv, envp);
	while (argv && argv[argc])
		argc++;
	while (envp && envp[envc])
		envc++;
	{
		/* emulator, -0, argv[0], --, path, argv[1..], NULL */
		const char *eargv[argc + 6];
		const char *eenvp[envc + 1];
		int i = 0;

		eargv[i++] = emu;
		if (argc > 0) {
			eargv[i++] = "-0";
			eargv[i++] = argv[0];
		}
		eargv[i++] = "--";
		eargv[i++] = path;
		for (int a = 1; a < argc; a++)
			eargv[i++] = argv[a];
		eargv[i] = NULL;
		for (i = 0; i < envc; i++)
			eenvp[i] = envp[envc - 1 - i];
		eenvp[envc] = NULL;
		return execve(emu, (char *const *)eargv, (char *const *)eenvp);
	}
}

/*
 * execvp, except that the file found is started with mos_execve when it is
 * an i386 program; anything else (a script, a missing file) is left to
 * execvp itself, which finds the same file and treats it as usual.
 */
static inline int mos_execvp(const char *file, char *const argv[])
{
	const char *path, *p, *colon;
	char full[PATH_MAX];
	size_t dirlen;

	if (!mos_i386_emulator() || !file || !*file)
		return execvp(file, argv);
	if (strchr(file, '/')) {
		if (mos_is_i386_program(file))
			return mos_execve(file, argv, environ);
		return execvp(file, argv);
	}
	path = getenv("PATH");
	if (!path)
		path = MOS_EXEC_DEFAULT_PATH;
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		dirlen = colon ? (size_t)(colon - p) : strlen(p);
		if (dirlen == 0)
			snprintf(full, sizeof(full), "%s", file);	/* "" is "." */
		else
			snprintf(full, sizeof(full), "%.*s/%s", (int)dirlen, p, file);
		if (access(full, X_OK) == 0) {
			struct stat st;

			if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
				if (mos_is_i386_program(full))
					return mos_execve(full, argv, environ);
				break;		/* the first match is not i386 */
			}
		}
		if (!colon)
			break;
	}
	return execvp(file, argv);
}

#endif /* MOS_EXEC_H */
