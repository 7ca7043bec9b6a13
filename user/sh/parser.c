/*
 * The parser: tokens -> the command tree of sh.h, by recursive descent
 * over this grammar (a subset of POSIX sh):
 *
 *   complete  : and_or ((';' | '&') and_or)* [';' | '&'] (NEWLINE | EOF)
 *   and_or    : pipeline (('&&' | '||') newline* pipeline)*
 *   pipeline  : ['!'] command ('|' newline* command)*
 *   command   : simple | '(' list ')' redirect*
 *   simple    : (WORD | redirect)+
 *   redirect  : [n] ('<' | '>' | '>>' | '<&' | '>&') WORD
 *   list      : like complete, but newlines also separate, up to ')'
 *
 * parse_command reads exactly one complete command and never looks past
 * its newline, so the caller can run it before more input is read (that
 * is what makes `cd` on one line affect the next).  After an operator
 * that needs more (|, &&, ||, an open '(') newlines are skipped, which
 * asks the input for continuation lines.
 */
#include <string.h>

#include "sh.h"
#include "ulib.h"

struct parser {
	struct sh_input *in;
	struct token tok;	/* the lookahead, if have_tok */
	int have_tok;
	int error;
	size_t last_end;	/* end of the last token consumed */
};

static struct token *peek(struct parser *p)
{
	if (!p->have_tok) {
		lex_next(p->in, &p->tok);
		p->have_tok = 1;
		if (p->tok.type == TK_ERROR)
			p->error = 1;
	}
	return &p->tok;
}

static enum tok_type peek_type(struct parser *p)
{
	return peek(p)->type;
}

static void consume(struct parser *p)
{
	p->last_end = peek(p)->end;
	p->have_tok = 0;
}

static void syntax_error(struct parser *p)
{
	struct token *t = peek(p);

	if (!p->error) {
		if (t->type == TK_NEWLINE)
			ul_warn("syntax error: unexpected end of line");
		else if (t->type == TK_EOF)
			ul_warn("syntax error: unexpected end of file");
		else
			ul_warn("syntax error near '%s'", t->text);
	}
	p->error = 1;
}

static void skip_newlines(struct parser *p)
{
	while (!p->error && peek_type(p) == TK_NEWLINE)
		consume(p);
}

static int is_redir_tok(enum tok_type t)
{
	return t == TK_LESS || t == TK_GREAT || t == TK_DGREAT ||
	       t == TK_LESSAND || t == TK_GREATAND;
}

static enum redir_type redir_type_of(enum tok_type t)
{
	switch (t) {
	case TK_LESS:     return R_IN;
	case TK_DGREAT:   return R_APPEND;
	case TK_LESSAND:  return R_DUP_IN;
	case TK_GREATAND: return R_DUP_OUT;
	default:          return R_OUT;
	}
}

/* At a redirection operator: parse it and its word onto *tail. */
static void parse_redir(struct parser *p, struct redir ***tail)
{
	struct redir *r = sh_alloc(sizeof *r);

	r->type = redir_type_of(peek_type(p));
	r->fd = peek(p)->fd;
	consume(p);
	if (peek_type(p) != TK_WORD) {
		syntax_error(p);
		return;
	}
	r->word = peek(p)->text;
	consume(p);
	**tail = r;
	*tail = &r->next;
}

static struct list_item *parse_list(struct parser *p, int in_parens);

static struct command *parse_subshell(struct parser *p)
{
	struct command *cmd = sh_alloc(sizeof *cmd);
	struct redir **tail = &cmd->redirs;

	consume(p);		/* ( */
	cmd->subshell = parse_list(p, 1);
	if (p->error)
		return NULL;
	if (peek_type(p) != TK_RPAREN || !cmd->subshell) {
		syntax_error(p);
		return NULL;
	}
	consume(p);
	while (!p->error && is_redir_tok(peek_type(p)))
		parse_redir(p, &tail);
	return p->error ? NULL : cmd;
}

static struct command *parse_simple(struct parser *p)
{
	struct command *cmd = sh_alloc(sizeof *cmd);
	struct redir **tail = &cmd->redirs;
	struct strvec words = { NULL, 0, 0 };

	for (;;) {
		enum tok_type t = peek_type(p);

		if (p->error)
			return NULL;
		if (t == TK_WORD) {
			strvec_push(&words, peek(p)->text);
			consume(p);
		} else if (is_redir_tok(t)) {
			parse_redir(p, &tail);
		} else {
			break;
		}
	}
	if (words.n == 0 && !cmd->redirs) {
		syntax_error(p);
		return NULL;
	}
	if (words.n == 0)
		strvec_push(&words, NULL);	/* an empty, terminated vector */
	cmd->words = words.v;
	return cmd;
}

static struct command *parse_one(struct parser *p)
{
	if (peek_type(p) == TK_LPAREN)
		return parse_subshell(p);
	return parse_simple(p);
}

static struct pipeline *parse_pipeline(struct parser *p)
{
	struct pipeline *pl = sh_alloc(sizeof *pl);
	struct command *cmds[64], *cmd;
	int n = 0;

	if (peek_type(p) == TK_WORD && strcmp(peek(p)->text, "!") == 0) {
		pl->negate = 1;
		consume(p);
	}
	for (;;) {
		cmd = parse_one(p);
		if (!cmd)
			return NULL;
		if (n == (int)(sizeof cmds / sizeof cmds[0])) {
			ul_warn("pipeline too long");
			p->error = 1;
			return NULL;
		}
		cmds[n++] = cmd;
		if (peek_type(p) != TK_PIPE)
			break;
		consume(p);
		skip_newlines(p);
	}
	pl->cmds = sh_alloc((size_t)n * sizeof *cmd);
	memcpy(pl->cmds, cmds, (size_t)n * sizeof *cmd);
	pl->ncmds = n;
	return pl;
}

static struct andor *parse_andor(struct parser *p)
{
	struct andor *first = NULL, **tail = &first;
	enum andor_op op = AO_FIRST;

	for (;;) {
		struct andor *ao = sh_alloc(sizeof *ao);

		ao->op = op;
		ao->pipeline = parse_pipeline(p);
		if (!ao->pipeline)
			return NULL;
		*tail = ao;
		tail = &ao->next;
		if (peek_type(p) == TK_AND_IF)
			op = AO_AND;
		else if (peek_type(p) == TK_OR_IF)
			op = AO_OR;
		else
			return first;
		consume(p);
		skip_newlines(p);
	}
}

static int ends_list(enum tok_type t, int in_parens)
{
	if (in_parens)
		return t == TK_RPAREN || t == TK_EOF;
	return t == TK_NEWLINE || t == TK_EOF;
}

/*
 * and_or items separated by ; & (and newlines inside parentheses).  At
 * top level it stops after the NEWLINE, consuming it, without peeking on.
 */
static struct list_item *parse_list(struct parser *p, int in_parens)
{
	struct list_item *first = NULL, **tail = &first;

	if (in_parens)
		skip_newlines(p);
	while (!p->error && !ends_list(peek_type(p), in_parens)) {
		struct list_item *item = sh_alloc(sizeof *item);
		size_t start = peek(p)->start;
		enum tok_type t;

		item->andor = parse_andor(p);
		if (!item->andor)
			return NULL;
		item->text = sh_strndup(p->in->buf + start, p->last_end - start);
		*tail = item;
		tail = &item->next;
		t = peek_type(p);
		if (t == TK_AMP || t == TK_SEMI) {
			item->background = t == TK_AMP;
			consume(p);
		} else if (!(in_parens && t == TK_NEWLINE) && !ends_list(t, in_parens)) {
			syntax_error(p);
			return NULL;
		}
		if (in_parens)
			skip_newlines(p);
	}
	if (!in_parens && !p->error && peek_type(p) == TK_NEWLINE)
		consume(p);
	return p->error ? NULL : first;
}

enum parse_result parse_command(struct sh_input *in, struct list_item **list)
{
	struct parser p = { in, { TK_EOF, NULL, -1, 0, 0 }, 0, 0, 0 };

	in->at_start = 1;
	if (peek_type(&p) == TK_EOF)
		return PARSE_EOF;
	*list = parse_list(&p, 0);
	return p.error ? PARSE_ERROR : PARSE_OK;
}
