# Top-level build for M-OS.  Everything goes to build/; sources are never
# written.  `make` builds the kernel image, `make test` runs every test,
# `make run` boots it (same as ./weenix).

SHELL := /bin/bash
include Config.mk

BUILD   := build
KBUILD  := $(BUILD)/kernel
KERNEL  := $(BUILD)/kernel.elf

CC      := gcc
LD      := ld
NM      := nm

# Without gcc-multilib, stop here with a message (not with linker errors).
include tools/toolchain.mk

# Config.mk's THP as the number kernel/mm/thp.c expects.
THP_MODE_never := 0
THP_MODE_madvise := 1
THP_MODE_always := 2
ifeq ($(THP_MODE_$(THP)),)
$(error THP must be never, madvise or always (got '$(THP)'))
endif

KCFLAGS := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -fno-strict-aliasing \
	-fno-builtin -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	$(OPT) -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes -Wstrict-prototypes \
	-Ikernel/include -I$(KBUILD)/include -MMD -MP \
	-DCONFIG_ENABLE_VM=$(ENABLE_VM) -DCONFIG_NTERMS=$(NTERMS) \
	-DCONFIG_HZ=$(HZ) -DCONFIG_SLAB_DEBUG=$(SLAB_DEBUG) \
	-DCONFIG_THP=$(THP_MODE_$(THP)) \
	-DCONFIG_DBG='"$(DBG)"'
KASFLAGS := -m32 -Ikernel/include -MMD -MP -D__ASSEMBLY__ -g
KLDFLAGS := -m elf_i386 -T kernel/link.ld -nostdlib -z noexecstack --no-warn-rwx-segments
LIBGCC  := $(shell $(CC) -m32 -print-libgcc-file-name)

# kernel/vdso is user code, built by kernel/vdso/Makefile.vdso.
KSRC_C  := $(shell find kernel -path kernel/vdso -prune -o -name '*.c' -print | sort)
KSRC_S  := $(shell find kernel -path kernel/vdso -prune -o -name '*.S' -print | sort)
KOBJS   := $(patsubst kernel/%.c,$(KBUILD)/%.o,$(KSRC_C)) \
	   $(patsubst kernel/%.S,$(KBUILD)/%.o,$(KSRC_S))

.PHONY: all clean test run bench tools iso fuzz
all: $(KERNEL)

# The configuration is part of every object's inputs.
$(KBUILD)/config.stamp: Config.mk FORCE
	@mkdir -p $(@D)
	@echo '$(KCFLAGS)' | cmp -s - $@ || echo '$(KCFLAGS)' > $@
FORCE:

# The release uname(2) reports: MOS_VERSION, and the commit built when
# there is a git checkout ("0.4.0-g1234abcd5678"); version.h is rewritten
# only when that changes, so a commit rebuilds one object.
MOS_VERSION := 0.4.0
MOS_GIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null)
MOS_RELEASE := $(MOS_VERSION)$(if $(MOS_GIT),-g$(MOS_GIT))
$(KBUILD)/include/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define MOS_RELEASE "$(MOS_RELEASE)"' | cmp -s - $@ || \
		echo '#define MOS_RELEASE "$(MOS_RELEASE)"' > $@
$(KBUILD)/util/uts.o: $(KBUILD)/include/version.h

$(KBUILD)/%.o: kernel/%.c $(KBUILD)/config.stamp
	@mkdir -p $(@D)
	@echo "  CC   $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(KBUILD)/%.o: kernel/%.S $(KBUILD)/config.stamp
	@mkdir -p $(@D)
	@echo "  AS   $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

# Two-pass link: the symbol table used by backtraces lives in the .ksyms
# section, placed last, so its contents never move any other symbol.
$(KBUILD)/ksyms0.o: tools/gen-ksyms.sh
	@mkdir -p $(@D)
	@echo | bash tools/gen-ksyms.sh > $(KBUILD)/ksyms0.S
	@$(CC) $(KASFLAGS) -c $(KBUILD)/ksyms0.S -o $@

$(KBUILD)/kernel.pass1: $(KOBJS) $(KBUILD)/ksyms0.o kernel/link.ld
	@$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(KBUILD)/ksyms0.o $(LIBGCC)

$(KERNEL): $(KBUILD)/kernel.pass1 tools/gen-ksyms.sh
	@echo "  LD   $@"
	@$(NM) -n $< | bash tools/gen-ksyms.sh > $(KBUILD)/ksyms.S
	@$(CC) $(KASFLAGS) -c $(KBUILD)/ksyms.S -o $(KBUILD)/ksyms.o
	@$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(KBUILD)/ksyms.o $(LIBGCC)
	@$(NM) -n $@ | grep -v -e ksym -e kernel_end | diff -q - <($(NM) -n $< | grep -v -e ksym -e kernel_end) >/dev/null \
		|| { echo "ksyms moved other symbols"; rm -f $@; exit 1; }

run: $(KERNEL)
	./weenix

test: all
	@bash tools/run-tests.sh $(if $(T),$(T),)

bench: all
	@bash bench/run.sh

# A long fuzzing run (doc/testing.md, "Fuzzing"): a random seed unless
# FUZZ_SEED is given, FUZZ_SCALE times make test's short run.
fuzz: all
	@FUZZ_SEED=$${FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')} \
		FUZZ_SCALE=$${FUZZ_SCALE:-20} bash tools/run-tests.sh fuzz

clean:
	rm -rf $(BUILD)

include tools/Makefile.tools
include user/Makefile.user
include kernel/fs/Makefile.fs
include tools/Makefile.iso
include kernel/vdso/Makefile.vdso

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
