/*
 * The parser: tokens -> the command tree of sh.h, by recursive descent
 * over POSIX sh's grammar:
 *
 *   complete  : list (NEWLINE | EOF)
 *   list      : and_or ((';' | '&' | NEWLINE) and_or)*   (NEWLINE: nested)
 *   and_or    : pipeline (('&&' | '||') newline* pipeline)*
 *   pipeline  : ['!'] command ('|' newline* command)*
 *   command   : simple | compound redirect* | NAME '(' ')' newline* compound
 *   compound  : '(' list ')' | '{' list '}' | if | while | until | for | case
 *   if        : 'if' list 'then' list ('elif' list 'then' list)* ['else' list] 'fi'
 *   while     : ('while' | 'until') list 'do' list 'done'
 *   for       : 'for' NAME [newline* 'in' WORD*] (';' | newline) newline* 'do' list 'done'
 *   case      : 'case' WORD newline* 'in' newline* (['('] pat ('|' pat)* ')' list [';;'] newline*)* 'esac'
 *   simple    : (ASSIGNMENT | WORD | redirect)+
 *   redirect  : [n] ('<' | '>' | '>>' | '<&' | '>&' | '<>' | '>|' | '<<' | '<<-') WORD
 *
 * A reserved word (if then else elif fi do done case esac while until
 * for { } !) is one only where a command may start (and `in`, `do`,
 * `esac` where the grammar expects them); anywhere else it is a word.
 * parse_command reads exactly one complete command and never looks past
 * its newline, so the caller can run it before more input is read (that
 * is what makes `cd` on one line affect the next).  Inside a compound
 * command newlines only separate, so the lexer asks for more lines.
 * A function definition keeps its body's source text: the function is
 * parsed again from it when called (compound.c), so that it outlives the
 * arena of the command that defined it.
 */
#include <string.h>

#include "sh.h"
#include "ulib.h"

#define MAX_PIPELINE 64

struct parser {
	struct sh_input *in;
	struct token tok;	/* the lookahead, if have_tok */
	int have_tok;
	int error;
	size_t last_end;	/* end of the last token consumed */
};

static const char *const list_enders[] = {
	"then", "else", "elif", "fi", "do", "done", "esac", "}", NULL,
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

/* The lookahead is the unquoted word w. */
static int peek_word(struct parser *p, const char *w)
{
	return peek_type(p) == TK_WORD && strcmp(peek(p)->text, w) == 0;
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

/* Consume the reserved word w, or fail. */
static int expect_word(struct parser *p, const char *w)
{
	if (p->error)
		return 0;
	if (!peek_word(p, w)) {
		syntax_error(p);
		return 0;
	}
	consume(p);
	return 1;
}

static void skip_newlines(struct parser *p)
{
	while (!p->error && peek_type(p) == TK_NEWLINE)
		consume(p);
}

static int is_redir_tok(enum tok_type t)
{
	return t >= TK_LESS && t <= TK_DLESSDASH;
}

static enum redir_type redir_type_of(enum tok_type t)
{
	switch (t) {
	case TK_LESS:      return R_IN;
	case TK_DGREAT:    return R_APPEND;
	case TK_LESSAND:   return R_DUP_IN;
	case TK_GREATAND:  return R_DUP_OUT;
	case TK_LESSGREAT: return R_RDWR;
	case TK_DLESS:
	case TK_DLESSDASH: return R_HEREDOC;
	default:           return R_OUT;
	}
}

static void queue_heredoc(struct parser *p, struct redir *r)
{
	struct redir **tail = &p->in->heredocs;

	r->quoted = strpbrk(r->word, "'\"\\") != NULL;
	while (*tail)
		tail = &(*tail)->next_pending;
	*tail = r;
}

/* At a redirection operator: parse it and its word onto *tail. */
static void parse_redir(struct parser *p, struct redir ***tail)
{
	struct redir *r = sh_alloc(sizeof *r);

	r->type = redir_type_of(peek_type(p));
	r->strip_tabs = peek_type(p) == TK_DLESSDASH;
	r->fd = peek(p)->fd;
	consume(p);
	if (peek_type(p) != TK_WORD) {
		syntax_error(p);
		return;
	}
	r->word = peek(p)->text;
	consume(p);
	if (r->type == R_HEREDOC)
		queue_heredoc(p, r);
	**tail = r;
	*tail = &r->next;
}

static void parse_redirs(struct parser *p, struct redir **head)
{
	struct redir **tail = head;

	while (*tail)
		tail = &(*tail)->next;
	while (!p->error && is_redir_tok(peek_type(p)))
		parse_redir(p, &tail);
}

static struct list_item *parse_list(struct parser *p, int nested);

/* A list that must not be empty, for the bodies of compound commands. */
static struct list_item *parse_body(struct parser *p)
{
	struct list_item *l = parse_list(p, 1);

	if (!l && !p->error)
		syntax_error(p);
	return l;
}

static struct command *new_command(enum cmd_type type)
{
	struct command *cmd = sh_alloc(sizeof *cmd);

	cmd->type = type;
	return cmd;
}

/* The list holding just cmd (an elif as the else part of an if). */
static struct list_item *list_of(struct command *cmd)
{
	struct list_item *item = sh_alloc(sizeof *item);

	item->andor = sh_alloc(sizeof *item->andor);
	item->andor->pipeline = sh_alloc(sizeof *item->andor->pipeline);
	item->andor->pipeline->cmds = sh_alloc(sizeof cmd);
	item->andor->pipeline->cmds[0] = cmd;
	item->andor->pipeline->ncmds = 1;
	return item;
}

static struct command *parse_group(struct parser *p, enum cmd_type type, const char *end)
{
	struct command *cmd = new_command(type);

	consume(p);		/* ( or { */
	cmd->subshell = parse_body(p);
	if (p->error)
		return NULL;
	if (type == C_SUBSHELL) {
		if (peek_type(p) != TK_RPAREN) {
			syntax_error(p);
			return NULL;
		}
		consume(p);
	} else if (!expect_word(p, end)) {
		return NULL;
	}
	return cmd;
}

/* After 'if' or 'elif' has been consumed. */
static struct command *parse_if_rest(struct parser *p)
{
	struct command *cmd = new_command(C_IF);

	cmd->cond = parse_body(p);
	if (!expect_word(p, "then"))
		return NULL;
	cmd->subshell = parse_body(p);
	if (p->error)
		return NULL;
	if (peek_word(p, "elif")) {
		struct command *elif;

		consume(p);
		elif = parse_if_rest(p);
		if (!elif)
			return NULL;
		cmd->els = list_of(elif);
		return cmd;
	}
	if (peek_word(p, "else")) {
		consume(p);
		cmd->els = parse_body(p);
	}
	return expect_word(p, "fi") ? cmd : NULL;
}

static struct command *parse_loop(struct parser *p, enum cmd_type type)
{
	struct command *cmd = new_command(type);

	consume(p);		/* while / until */
	cmd->cond = parse_body(p);
	if (!expect_word(p, "do"))
		return NULL;
	cmd->subshell = parse_body(p);
	return expect_word(p, "done") ? cmd : NULL;
}

static struct command *parse_for(struct parser *p)
{
	struct command *cmd = new_command(C_FOR);
	struct strvec words = { NULL, 0, 0 };

	consume(p);		/* for */
	if (peek_type(p) != TK_WORD || !valid_name(peek(p)->text, strlen(peek(p)->text))) {
		syntax_error(p);
		return NULL;
	}
	cmd->name = peek(p)->text;
	consume(p);
	skip_newlines(p);
	if (peek_word(p, "in")) {
		consume(p);
		while (!p->error && peek_type(p) == TK_WORD) {
			strvec_push(&words, peek(p)->text);
			consume(p);
		}
		if (words.n == 0)
			strvec_push(&words, NULL);
		cmd->words = words.v;
		if (peek_type(p) != TK_SEMI && peek_type(p) != TK_NEWLINE) {
			syntax_error(p);
			return NULL;
		}
		consume(p);
	} else if (peek_type(p) == TK_SEMI) {
		consume(p);
	}
	skip_newlines(p);
	if (!expect_word(p, "do"))
		return NULL;
	cmd->subshell = parse_body(p);
	return expect_word(p, "done") ? cmd : NULL;
}

static struct case_item *parse_case_item(struct parser *p)
{
	struct case_item *ci = sh_alloc(sizeof *ci);
	struct strvec pats = { NULL, 0, 0 };

	if (peek_type(p) == TK_LPAREN)
		consume(p);
	for (;;) {
		if (peek_type(p) != TK_WORD) {
			syntax_error(p);
			return NULL;
		}
		strvec_push(&pats, peek(p)->text);
		consume(p);
		if (peek_type(p) != TK_PIPE)
			break;
		consume(p);
	}
	if (peek_type(p) != TK_RPAREN) {
		syntax_error(p);
		return NULL;
	}
	consume(p);
	ci->patterns = pats.v;
	ci->body = parse_list(p, 1);
	if (p->error)
		return NULL;
	if (peek_type(p) == TK_DSEMI)
		consume(p);
	else if (!peek_word(p, "esac"))
		syntax_error(p);
	skip_newlines(p);
	return p->error ? NULL : ci;
}

static struct command *parse_case(struct parser *p)
{
	struct command *cmd = new_command(C_CASE);
	struct case_item **tail = &cmd->cases;

	consume(p);		/* case */
	if (peek_type(p) != TK_WORD) {
		syntax_error(p);
		return NULL;
	}
	cmd->name = peek(p)->text;
	consume(p);
	skip_newlines(p);
	if (!expect_word(p, "in"))
		return NULL;
	skip_newlines(p);
	while (!p->error && !peek_word(p, "esac")) {
		*tail = parse_case_item(p);
		if (!*tail)
			return NULL;
		tail = &(*tail)->next;
	}
	return expect_word(p, "esac") ? cmd : NULL;
}

/* A compound command at the lookahead, or NULL (p->error says why). */
static struct command *parse_compound(struct parser *p)
{
	struct command *cmd = NULL;

	if (peek_type(p) == TK_LPAREN)
		cmd = parse_group(p, C_SUBSHELL, ")");
	else if (peek_word(p, "{"))
		cmd = parse_group(p, C_GROUP, "}");
	else if (peek_word(p, "if")) {
		consume(p);
		cmd = parse_if_rest(p);
	} else if (peek_word(p, "while"))
		cmd = parse_loop(p, C_WHILE);
	else if (peek_word(p, "until"))
		cmd = parse_loop(p, C_UNTIL);
	else if (peek_word(p, "for"))
		cmd = parse_for(p);
	else if (peek_word(p, "case"))
		cmd = parse_case(p);
	if (cmd)
		parse_redirs(p, &cmd->redirs);
	return p->error ? NULL : cmd;
}

static int starts_compound(struct parser *p)
{
	return peek_type(p) == TK_LPAREN || peek_word(p, "{") || peek_word(p, "if") ||
	       peek_word(p, "while") || peek_word(p, "until") || peek_word(p, "for") ||
	       peek_word(p, "case");
}

/* NAME ( ) newline* compound: the name has been consumed. */
static struct command *parse_funcdef(struct parser *p, char *name)
{
	struct command *cmd = new_command(C_FUNCDEF);
	size_t start;

	consume(p);		/* ( */
	if (peek_type(p) != TK_RPAREN) {
		syntax_error(p);
		return NULL;
	}
	consume(p);
	skip_newlines(p);
	if (p->error)
		return NULL;
	if (!starts_compound(p)) {
		syntax_error(p);
		return NULL;
	}
	start = peek(p)->start;
	if (!parse_compound(p))
		return NULL;
	cmd->name = name;
	cmd->text = sh_strndup(p->in->buf + start, p->last_end - start);
	return cmd;
}

static struct command *parse_simple(struct parser *p)
{
	struct command *cmd = new_command(C_SIMPLE);
	struct redir **tail = &cmd->redirs;
	struct strvec words = { NULL, 0, 0 };

	for (;;) {
		enum tok_type t = peek_type(p);

		if (p->error)
			return NULL;
		if (t == TK_WORD) {
			char *w = peek(p)->text;

			consume(p);
			if (words.n == 0 && !cmd->redirs && peek_type(p) == TK_LPAREN &&
			    valid_name(w, strlen(w)))
				return parse_funcdef(p, w);
			strvec_push(&words, w);
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

static int is_list_ender(struct parser *p)
{
	size_t i;

	for (i = 0; list_enders[i]; i++)
		if (peek_word(p, list_enders[i]))
			return 1;
	return 0;
}

static struct command *parse_one(struct parser *p)
{
	if (starts_compound(p))
		return parse_compound(p);
	if (is_list_ender(p)) {
		syntax_error(p);
		return NULL;
	}
	return parse_simple(p);
}

static struct pipeline *parse_pipeline(struct parser *p)
{
	struct pipeline *pl = sh_alloc(sizeof *pl);
	struct command *cmds[MAX_PIPELINE], *cmd;
	int n = 0;

	if (peek_word(p, "!")) {
		pl->negate = 1;
		consume(p);
	}
	for (;;) {
		cmd = parse_one(p);
		if (!cmd)
			return NULL;
		if (n == MAX_PIPELINE) {
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

/* Where a list stops: end of input, ')', ';;', or a reserved word. */
static int at_list_end(struct parser *p, int nested)
{
	enum tok_type t = peek_type(p);

	if (t == TK_EOF)
		return 1;
	if (!nested)
		return t == TK_NEWLINE;
	return t == TK_RPAREN || t == TK_DSEMI || is_list_ender(p);
}

/*
 * and_or items separated by ; & (and newlines when nested).  At top level
 * it stops after the NEWLINE, consuming it, without peeking on.
 */
static struct list_item *parse_list(struct parser *p, int nested)
{
	struct list_item *first = NULL, **tail = &first;

	if (nested)
		skip_newlines(p);
	while (!p->error && !at_list_end(p, nested)) {
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
		} else if (!(nested && t == TK_NEWLINE) && !at_list_end(p, nested)) {
			syntax_error(p);
			return NULL;
		}
		if (nested)
			skip_newlines(p);
	}
	if (!nested && !p->error && peek_type(p) == TK_NEWLINE)
		consume(p);
	return p->error ? NULL : first;
}

enum parse_result parse_command(struct sh_input *in, struct list_item **list)
{
	struct parser p = { in, { TK_EOF, NULL, -1, 0, 0 }, 0, 0, 0 };

	in->at_start = 1;
	in->heredocs = NULL;
	if (peek_type(&p) == TK_EOF)
		return PARSE_EOF;
	*list = parse_list(&p, 0);
	if (!p.error && p.have_tok && p.tok.type != TK_EOF)
		syntax_error(&p);
	return p.error ? PARSE_ERROR : PARSE_OK;
}
