# tools/toolchain.mk - stop early, with the remedy, where the 32-bit
# toolchain is missing.  Everything M-OS builds, apart from the host tools,
# is compiled with `gcc -m32` and linked against 32-bit libgcc and, for the
# static user programs, 32-bit glibc (/usr/lib32/libc.a): Debian's
# gcc-multilib, which tools/deps.sh installs.  Without it the build would
# end in a screen of linker errors; with this check it ends at once with
# one line that says what to do.
#
# Included by the top-level Makefile, user/Makefile.user and bench/Makefile
# (once: a guard makes later inclusions no-ops).  The compiler asked is
# TOOLCHAIN_CC, else CC: `gcc -m32 -print-file-name=libc.a` prints the
# library's full path when it is there and just "libc.a" when not.  `make
# clean` needs no compiler and is never stopped.

ifndef TOOLCHAIN_CHECKED
TOOLCHAIN_CHECKED := 1
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)

TOOLCHAIN_CC     ?= $(CC)
TOOLCHAIN_LIBGCC := $(shell $(TOOLCHAIN_CC) -m32 -print-libgcc-file-name 2>/dev/null)
TOOLCHAIN_LIBC   := $(shell $(TOOLCHAIN_CC) -m32 -print-file-name=libc.a 2>/dev/null)
# A library counts only as a full path to an existing file.
toolchain_found   = $(wildcard $(filter /%,$(1)))

ifeq ($(call toolchain_found,$(TOOLCHAIN_LIBGCC)),)
$(error no 32-bit libgcc for "$(TOOLCHAIN_CC) -m32" (package gcc-multilib): run tools/deps.sh first)
endif
ifeq ($(call toolchain_found,$(TOOLCHAIN_LIBC)),)
$(error no 32-bit static glibc (libc.a) for "$(TOOLCHAIN_CC) -m32" (package gcc-multilib): run tools/deps.sh first)
endif

endif
endif
