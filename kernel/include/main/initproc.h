/* The first process's thread (kernel/main/initproc.c). */
#pragma once
void *initproc_main(long arg1, void *arg2);
