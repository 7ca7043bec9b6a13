/* The double-fault task (kernel/entry/double_fault.c). */
#pragma once
/* Installs the task gate for vector 8; needs kernel_pd to exist. */
void double_fault_init(void);
