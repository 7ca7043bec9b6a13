/* Freestanding string and memory routines (kernel/util/string.c). */
#pragma once
#include "util/types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
/* Parses an unsigned decimal or 0x-prefixed hex number; returns 0 and sets
 * *out on success, -EINVAL if s is not entirely a number. */
int kstrtoul(const char *s, unsigned long *out);
