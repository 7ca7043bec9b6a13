/*
 * The shell's arena: a stack of malloc'd chunks that allocations are cut
 * from, released in bulk back to a mark.  The main loop marks before it
 * parses a command and releases after running it, so the parser and the
 * expander never free anything one piece at a time.  Allocations are
 * aligned for any type; a request larger than a chunk gets its own.
 * sh_xmalloc and sh_xstrdup are malloc and strdup that end the shell
 * when memory runs out, for what must outlive a command.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"
#include "ulib.h"

#define CHUNK_SIZE 16384
#define ALIGN      _Alignof(max_align_t)

struct chunk {
	struct chunk *prev;
	size_t size, used;
	_Alignas(ALIGN) char data[];
};

static struct chunk *top;

static struct chunk *new_chunk(size_t min)
{
	size_t size = min > CHUNK_SIZE ? min : CHUNK_SIZE;
	struct chunk *c = malloc(sizeof *c + size);

	if (!c)
		ul_die(2, "out of memory");
	c->prev = top;
	c->size = size;
	c->used = 0;
	top = c;
	return c;
}

void *sh_alloc(size_t size)
{
	struct chunk *c = top;
	void *p;

	size = (size + ALIGN - 1) & ~(ALIGN - 1);
	if (!c || c->size - c->used < size)
		c = new_chunk(size);
	p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *sh_strndup(const char *s, size_t n)
{
	char *p = sh_alloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *sh_strdup(const char *s)
{
	return sh_strndup(s, strlen(s));
}

struct sh_mark sh_mark(void)
{
	struct sh_mark m = { top, top ? top->used : 0 };

	return m;
}

void sh_release(struct sh_mark mark)
{
	while (top && top != mark.chunk) {
		struct chunk *prev = top->prev;

		free(top);
		top = prev;
	}
	if (top)
		top->used = mark.used;
}

void strvec_push(struct strvec *sv, char *s)
{
	if (sv->n + 1 >= sv->cap) {
		size_t cap = sv->cap ? 2 * sv->cap : 16;
		char **v = sh_alloc(cap * sizeof *v);

		if (sv->n)
			memcpy(v, sv->v, sv->n * sizeof *v);
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void *sh_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		ul_die(2, "out of memory");
	return p;
}

char *sh_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(sh_xmalloc(n), s, n);
}
