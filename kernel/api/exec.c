/*
 * execve: load a program into a new address space and start it.  In a
 * process with several threads, the others end once the new image is
 * loaded (exec_end_other_threads) and the caller becomes the process's
 * only thread, with the process's id as its thread id.
 *
 * The file must be a regular file the caller may execute (fs/perm.h:
 * root too needs an x bit), else EACCES.  A set-user-id or set-group-id
 * file on a file system mounted without nosuid gives the new image its
 * owner's ids as effective (and saved) ids (proc/cred.h); the auxiliary
 * vector tells the program its ids and, when they differ, AT_SECURE.
 */
#include "api/exec.h"
#include "api/elf.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "boot/gdt.h"
#include "fs/file.h"
#include "fs/namev.h"
#include "fs/perm.h"
#include "fs/vfs.h"
#include "fs/stat.h"
#include "fs/vfs.h"
#include "fs/vnode.h"
#include "main/io.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "proc/timer.h"
#include "util/errno.h"
#include "util/random.h"
#include "util/string.h"
#include "vm/mmap.h"
#include "vm/vdso.h"
#include "vm/vmmap.h"

/* The vDSO goes just below the stack (vm/vdso.h). */
#define VDSO_ADDR (USER_END - USER_STACK_SIZE - VDSO_IMAGE_PAGES * PAGE_SIZE)

#define AT_NULL 0
#define AT_IGNORE 1
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31
#define AT_SYSINFO 32
#define AT_SYSINFO_EHDR 33
#define AUXV_MAX_PAIRS 22
#define HWCAP_SEP (1u << 11)	/* CPUID.1:EDX: sysenter/sysexit */
#define AT_RANDOM_BYTES 16
#define STACK_ALIGN 16
#define EFLAGS_RESERVED_BIT 0x2u
#define PLATFORM "i686"

int exec_args_from_kernel(exec_args_t *a, const char *const argv[], const char *const envp[])
{
	memset(a, 0, sizeof(*a));
	a->strings = kmalloc(EXEC_ARG_MAX);
	if (!a->strings)
		return -ENOMEM;
	for (int pass = 0; pass < 2; pass++) {
		const char *const *v = pass ? envp : argv;
		for (; v && *v; v++) {
			size_t n = strlen(*v) + 1;
			if (a->used + n > EXEC_ARG_MAX) {
				exec_args_free(a);
				return -E2BIG;
			}
			memcpy(a->strings + a->used, *v, n);
			a->used += n;
			if (pass)
				a->envc++;
			else
				a->argc++;
		}
	}
	return 0;
}

/* Copies a NULL-terminated array of user strings into a; returns the
 * count or an error. */
static int copy_string_array(exec_args_t *a, uint32_t user_vec)
{
	int count = 0;
	for (; user_vec; user_vec += sizeof(uint32_t)) {
		uint32_t p;
		if (copy_from_user(&p, (void *)user_vec, sizeof(p)) < 0)
			return -EFAULT;
		if (!p)
			break;
		if (count == EXEC_MAX_ARGS)
			return -E2BIG;
		int n = strncpy_from_user(a->strings + a->used, (const char *)p,
					  EXEC_ARG_MAX - a->used);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return n;
		a->used += n + 1;
		count++;
	}
	return count;
}

int exec_args_from_user(exec_args_t *a, uint32_t user_argv, uint32_t user_envp)
{
	memset(a, 0, sizeof(*a));
	a->strings = kmalloc(EXEC_ARG_MAX);
	if (!a->strings)
		return -ENOMEM;
	int n = copy_string_array(a, user_argv);
	if (n >= 0) {
		a->argc = n;
		n = copy_string_array(a, user_envp);
		a->envc = n;
	}
	if (n < 0) {
		exec_args_free(a);
		return n;
	}
	return 0;
}

void exec_args_free(exec_args_t *a)
{
	kfree(a->strings);
	a->strings = NULL;
}

static uint32_t cpu_hwcap(void)
{
	uint32_t eax = 1, ebx, ecx, edx;
	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
	return edx;
}

/* Lays out the initial stack in map; returns the new esp. */
static int build_stack(vmmap_t *map, const exec_args_t *a, const elf_image_t *img,
		       const cred_t *cred, bool secure, uint32_t *esp_out)
{
	uint32_t sp = USER_END;
	uint32_t strings = sp - ALIGN_UP(a->used, 4);
	uint32_t platform = strings - ALIGN_UP(sizeof(PLATFORM), 4);
	uint32_t random = platform - AT_RANDOM_BYTES;
	uint32_t nptrs = 1 + a->argc + 1 + a->envc + 1 + 2 * AUXV_MAX_PAIRS;
	sp = ALIGN_DOWN(random - nptrs * 4, STACK_ALIGN);
	int rc;

	uint8_t rnd[AT_RANDOM_BYTES];
	random_bytes(rnd, sizeof(rnd));
	if ((rc = vmmap_write(map, strings, a->strings, a->used)) < 0 ||
	    (rc = vmmap_write(map, platform, PLATFORM, sizeof(PLATFORM))) < 0 ||
	    (rc = vmmap_write(map, random, rnd, sizeof(rnd))) < 0)
		return rc;

	uint32_t *v = kmalloc(nptrs * 4);
	if (!v)
		return -ENOMEM;
	size_t i = 0;
	uint32_t s = strings;
	v[i++] = a->argc;
	map->arg_start = strings;
	map->env_start = strings + a->used;	/* no environment */
	for (int k = 0; k < a->argc + a->envc; k++) {
		if (k == a->argc) {
			v[i++] = 0;	/* end of argv */
			map->env_start = s;
		}
		v[i++] = s;
		s += strlen(a->strings + (s - strings)) + 1;
	}
	if (a->envc == 0)
		v[i++] = 0;
	map->arg_end = map->env_start;
	map->env_end = strings + a->used;
	map->start_stack = sp;
	v[i++] = 0;	/* end of envp */
	const uint32_t aux[][2] = {
		{ AT_PHDR, img->phdr }, { AT_PHENT, img->phent }, { AT_PHNUM, img->phnum },
		{ AT_PAGESZ, PAGE_SIZE }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
		{ AT_ENTRY, img->entry }, { AT_UID, cred->uid.real }, { AT_EUID, cred->uid.eff },
		{ AT_GID, cred->gid.real }, { AT_EGID, cred->gid.eff }, { AT_SECURE, secure },
		{ AT_HWCAP, cpu_hwcap() },
		{ AT_CLKTCK, 100 }, { AT_PLATFORM, platform }, { AT_RANDOM, random },
		{ AT_EXECFN, strings }, { AT_SYSINFO_EHDR, VDSO_ADDR },
		/* Without sysenter glibc keeps to int $0x80. */
		{ (cpu_hwcap() & HWCAP_SEP) ? AT_SYSINFO : AT_IGNORE,
		  VDSO_ADDR + VDSO_OFF___kernel_vsyscall },
		{ AT_NULL, 0 },
	};
	for (size_t k = 0; k < ARRAY_SIZE(aux); k++) {
		v[i++] = aux[k][0];
		v[i++] = aux[k][1];
	}
	rc = vmmap_write(map, sp, v, i * 4);
	kfree(v);
	*esp_out = sp;
	return rc;
}

/* Linux's de_thread: every other thread of the process is cancelled and
 * waited for, so that nothing runs in the old address space when it goes;
 * the caller then takes over the process's id as its thread id.  -EINTR
 * (the other threads are dying all the same) if the process is being
 * killed meanwhile, or if another thread's execve got there first (it
 * cancels this one).  The wait is not cancellable: a signal must not
 * leave the process half gone with execve failing. */
static int exec_end_other_threads(proc_t *p, kthread_t *me)
{
	list_t *l;
	spin_lock(&proc_lock);
	if (p->execer) {
		spin_unlock(&proc_lock);
		return -EINTR;
	}
	p->execer = me;
	for (;;) {
		if (p->exiting || me->cancelled) {
			p->execer = NULL;
			spin_unlock(&proc_lock);
			return -EINTR;
		}
		kthread_t *other = NULL;
		list_for_each(l, &p->threads) {
			kthread_t *t = list_entry(l, kthread_t, proc_link);
			if (t != me && t->state != KT_EXITED) {
				other = t;
				break;
			}
		}
		if (!other)
			break;
		proc_cancel_others_locked(p, me);
		sched_sleep_on(&other->joinq, &proc_lock);	/* kthread_exit wakes it */
	}
	me->utid = p->pid;
	p->execer = NULL;
	spin_unlock(&proc_lock);
	proc_reap_threads(p);
	me->clear_child_tid = 0;
	me->robust_list = 0;
	return 0;
}

static void set_name(proc_t *p, const char *path)
{
	const char *base = path;
	for (const char *c = path; *c; c++)
		if (*c == '/' && c[1])
			base = c + 1;
	strlcpy(p->name, base, sizeof(p->name));
	kthread_set_name(curthr, base);	/* the thread's comm, as Linux's exec */
}

int exec_image(const char *path, exec_args_t *args, intr_frame_t *f)
{
	proc_t *p = curproc;
	kthread_t *t = curthr;
	vnode_t *vn;
	char *interp = NULL;	/* the file run: path, or a script's interpreter */
	const char *file = path;
	int rc;
	for (int depth = 0;; depth++) {
		if ((rc = namev_resolve(NULL, file, NAMEV_FOLLOW, &vn)) < 0)
			goto out_free;
		rc = S_ISREG(vn->vn_mode) ? perm_check(vn, MAY_EXEC) : -EACCES;
		char *next = NULL;
		if (rc == 0 && (rc = exec_script(vn, file, args, &next)) == 0)
			break;	/* not a script: load it */
		vput(vn);
		if (rc < 0)
			goto out_free;
		kfree(interp);
		file = interp = next;
		if (depth == EXEC_SCRIPT_DEPTH) {
			rc = -ELOOP;
			goto out_free;
		}
	}
	cred_t cred;
	cred_get(p, &cred);
	bool honour = !(vn->vn_fs->fs_flags & FS_NOSUID);
	bool secure = cred_exec(&cred, honour && (vn->vn_mode & S_ISUID), vn->vn_uid,
				honour && (vn->vn_mode & S_ISGID) && (vn->vn_mode & S_IXGRP),
				vn->vn_gid);
	rc = -ENOMEM;
	pde_t *pd = pt_create_pd();
	if (!pd)
		goto out_put;
	vmmap_t *map = vmmap_create(pd);
	if (!map)
		goto out_pd;
	elf_image_t img;
	uint32_t esp = 0;
	if ((rc = elf_load(vn, map, &img)) < 0)
		goto out_map;
	long addr = vm_mmap(map, USER_END - USER_STACK_SIZE, USER_STACK_SIZE,
			    PROT_READ | PROT_WRITE | (img.exec_stack ? PROT_EXEC : 0),
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
	rc = vm_mmap_failed(addr) ? (int)addr : build_stack(map, args, &img, &cred, secure, &esp);
	if (rc < 0 || (rc = vdso_map(map, VDSO_ADDR)) < 0)
		goto out_map;
	if (!t->fpu_state && (rc = kthread_fpu_init(t)) < 0)
		goto out_map;
	map->brk_start = map->brk = vm_heap_start(img.brk_start, VDSO_ADDR - VDSO_VVAR_SIZE,
						  vm_randomize);
	if ((rc = exec_end_other_threads(p, t)) < 0)
		goto out_map;

	map->exe_path = namev_abs_name(NULL, file);	/* NULL: /proc/PID/exe is missing */
	map->exe_dev = vn->vn_fs->fs_dev;
	map->exe_ino = vn->vn_ino;

	/* The point of no return: switch to the new image. */
	vmmap_swap_lock();
	vmmap_t *old_map = p->vmmap;
	pde_t *old_pd = p->pagedir;
	p->vmmap = map;
	p->pagedir = pd;
	p->vdso_base = VDSO_ADDR;
	pt_switch(pd);
	if (old_map)
		vmmap_destroy(old_map);
	vmmap_swap_unlock();
	if (old_pd != kernel_pd)
		pt_destroy_pd(old_pd);
	vput(vn);
	kfree(interp);
	cred_commit(&cred);
	set_name(p, path);
	spin_lock(&proc_lock);
	p->did_exec = true;	/* the parent's setpgid is EACCES from now on */
	spin_unlock(&proc_lock);
	fdtable_close_on_exec(p->files);
	signal_reset_on_exec(p);
	proc_timers_exec(p);
	kthread_fpu_init(t);	/* and into the registers, not just the save area */
	__asm__ volatile("fxrstor (%0)" : : "r"(t->fpu_state) : "memory");
	memset(t->tls, 0, sizeof(t->tls));
	gdt_load_tls(t->tls);

	memset(f, 0, sizeof(*f));
	f->eip = img.entry;
	f->user_esp = esp;
	f->cs = SEL_USER_CODE;
	f->ds = f->es = f->fs = f->gs = f->user_ss = SEL_USER_DATA;
	f->eflags = EFLAGS_IF | EFLAGS_RESERVED_BIT;
	return 0;

out_map:
	vmmap_destroy(map);
out_pd:
	pt_destroy_pd(pd);
out_put:
	vput(vn);
out_free:
	kfree(interp);
	return rc;
}

int exec_first_program(const char *path, const char *const argv[], const char *const envp[])
{
	exec_args_t args;
	int rc = exec_args_from_kernel(&args, argv, envp);
	if (rc < 0)
		return rc;
	intr_frame_t *f = kthread_user_frame_slot(curthr);
	rc = exec_image(path, &args, f);
	exec_args_free(&args);
	if (rc < 0)
		return rc;
	curthr->user_frame = f;
	intr_disable();
	userland_enter(f);
}

SYSCALL(execve)
{
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	exec_args_t args;
	int rc = strncpy_from_user(path, (const char *)a1, PATH_MAX);
	if (rc >= 0)
		rc = exec_args_from_user(&args, a2, a3);
	if (rc >= 0) {
		rc = exec_image(path, &args, curthr->user_frame);
		exec_args_free(&args);
	}
	kfree(path);
	return rc;
}
