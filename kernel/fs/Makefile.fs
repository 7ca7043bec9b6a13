# The default disk image (doc/fs.md, "The default disk"): build/disk.img,
# an S5FS made by mkfs.s5fs from a staging directory that holds the
# build's user programs (/bin, /sbin), the user test suites (/tests),
# the shell's scripts (/tests/sh), the benchmark program (/bin/mbench)
# and the directories the system expects (/dev and /dev/shm are mount
# points for ramfs, /proc for the proc file system, /tmp with mode 1777, /etc with passwd and group from
# user/etc, root's /root, the normal user's /home/user owned by uid 1000,
# /mnt).  Every file is root's (mkfs -u 0:0) but /home/user (-o); modes
# are the staging tree's.  `./weenix` boots with it as the primary disk (hda) when
# no --disk is given; the kernel mounts it as the root.
#
# Included by the top-level Makefile after tools/Makefile.tools and
# user/Makefile.user (it uses TOOLS_OUT, UBIN_PROGS and USBIN_PROGS).
# The image is rebuilt only when a program, mkfs or this file changes;
# what M-OS writes to it in between stays.  `make disk` builds it alone.
# Variables are prefixed DISK_.

DISK_IMG   := $(BUILD)/disk.img
DISK_STAGE := $(BUILD)/disk-root
DISK_SIZE  ?= 128M
DISK_DIRS  := bin sbin dev etc home home/user mnt proc root tmp tests
DISK_ETC   := user/etc/passwd user/etc/group
DISK_USER  := /home/user,1000,1000
DISK_BENCH := $(BUILD)/bench/mbench

# The benchmark program, so `make bench` can run it on M-OS as /bin/mbench.
$(DISK_BENCH): $(wildcard bench/*.c bench/*.h) bench/Makefile user/include/mos/exec.h
	@$(MAKE) -s -f bench/Makefile $(abspath $(DISK_BENCH)) >/dev/null
DISK_MKFS  := $(TOOLS_OUT)/mkfs.s5fs
# The shell's script suite (user/tests/sh: NAME.sh with NAME.expected),
# run under M-OS by t_shscripts from /tests/sh.
DISK_SH_EXPECTED := $(wildcard user/tests/sh/*.expected)
DISK_SH_FILES    := $(DISK_SH_EXPECTED) $(DISK_SH_EXPECTED:.expected=.sh)

.PHONY: disk
disk: $(DISK_IMG)
all: $(DISK_IMG)

$(DISK_IMG): $(DISK_MKFS) $(UBIN_PROGS) $(USBIN_PROGS) $(UTEST_PROGS) $(DISK_BENCH) \
		$(DISK_SH_FILES) $(DISK_ETC) kernel/fs/Makefile.fs
	@echo "  DISK $@"
	@rm -rf $(DISK_STAGE)
	@mkdir -p $(addprefix $(DISK_STAGE)/,$(DISK_DIRS))
	@chmod 1777 $(DISK_STAGE)/tmp
	@chmod 0700 $(DISK_STAGE)/root
	@chmod 0755 $(DISK_STAGE)/home/user
	@cp $(DISK_ETC) $(DISK_STAGE)/etc/
	@chmod 0644 $(addprefix $(DISK_STAGE)/etc/,$(notdir $(DISK_ETC)))
	@cp $(UBIN_PROGS) $(DISK_STAGE)/bin/
	@cp $(USBIN_PROGS) $(DISK_STAGE)/sbin/
	@cp $(UTEST_PROGS) $(DISK_STAGE)/tests/
	@mkdir -p $(DISK_STAGE)/tests/sh
	@cp $(DISK_SH_FILES) $(DISK_STAGE)/tests/sh/
	@cp $(DISK_BENCH) $(DISK_STAGE)/bin/
	@$(DISK_MKFS) -s $(DISK_SIZE) -u 0:0 -o $(DISK_USER) $@.tmp $(DISK_STAGE) >/dev/null
	@mv $@.tmp $@
