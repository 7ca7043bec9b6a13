/*
 * Here-documents: `cmd <<WORD` (or `<<-WORD`, which strips leading tabs
 * from each line), with the body on the lines after the command's line,
 * up to a line that is exactly the delimiter.
 *
 * The parser queues each << redirection on the input (sh_input.heredocs)
 * as it meets it; when the lexer hands out the newline that ends that
 * line, heredoc_read_pending reads the bodies in order, straight from the
 * input (asking for more lines with the PS2 prompt), so the lexer goes on
 * after the last body.  Input that ends first ends the body there.
 *
 * The body is kept raw; when the command runs it is expanded (parameters,
 * command substitution, arithmetic, backslash before $ ` \ and newline),
 * unless any part of the delimiter was quoted, and fed to the command
 * through a pipe (redir.c).
 */
#include <string.h>

#include "sh.h"

/* The line starting at in->pos (without its newline); NULL at the end. */
static char *next_line(struct sh_input *in, size_t *len, int *had_newline)
{
	char *nl;

	for (;;) {
		nl = in->pos < in->len ? memchr(in->buf + in->pos, '\n', in->len - in->pos) : NULL;
		if (nl)
			break;
		if (!input_more(in))
			break;
	}
	if (!nl && in->pos >= in->len)
		return NULL;
	*len = nl ? (size_t)(nl - (in->buf + in->pos)) : in->len - in->pos;
	*had_newline = nl != NULL;
	return in->buf + in->pos;
}

static void read_body(struct sh_input *in, struct redir *r)
{
	const char *delim = unquote(r->word);
	size_t dlen = strlen(delim), len, cap = 256, used = 0;
	char *body = sh_alloc(cap), *line;
	int nl;

	while ((line = next_line(in, &len, &nl)) != NULL) {
		in->pos += len + (size_t)nl;
		while (r->strip_tabs && len > 0 && *line == '\t') {
			line++;
			len--;
		}
		if (len == dlen && memcmp(line, delim, dlen) == 0)
			break;
		if (used + len + 2 > cap) {
			char *bigger;

			cap = 2 * (used + len + 2);
			bigger = sh_alloc(cap);
			memcpy(bigger, body, used);
			body = bigger;
		}
		memcpy(body + used, line, len);
		used += len;
		body[used++] = '\n';
	}
	body[used] = '\0';
	r->body = body;
}

void heredoc_read_pending(struct sh_input *in)
{
	struct redir *r = in->heredocs;

	in->heredocs = NULL;
	for (; r; r = r->next_pending)
		read_body(in, r);
}

char *heredoc_text(struct redir *r)
{
	if (!r->body)
		return "";
	return r->quoted ? r->body : expand_heredoc(r->body);
}
