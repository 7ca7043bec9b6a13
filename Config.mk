# M-OS build configuration (DESIGN.md decision 10).  Override on the make
# command line, e.g. `make DBG=error,test,mm`.

# 0: kernel and kshell only (no user mode); 1: user mode and virtual memory.
ENABLE_VM ?= 1

# Debug channels printed by default (comma list; `dbg=` on the kernel
# command line overrides).  Channels: error test boot mm slab intr sched
# proc syscall vfs disk tty vm all.
DBG ?= error,test

# Number of VGA virtual terminals.
NTERMS ?= 3

# Timer interrupt rate in Hz.
HZ ?= 100

# 1: every slab cache poisons freed objects, checks red zones and catches
# double frees (tests create debug caches explicitly whatever this says).
SLAB_DEBUG ?= 1

# Optimisation level for the kernel.
OPT ?= -O2

# Transparent huge pages (doc/vm.md, "Huge pages"): which private
# anonymous areas get 4 MiB pages on first touch without MAP_HUGETLB --
# always, madvise (only areas given MADV_HUGEPAGE) or never.  Changed at
# boot by transparent_hugepage=MODE, at run time through
# /proc/sys/vm/transparent_hugepage.
THP ?= madvise
