/*
 * The lexer: characters of a struct sh_input -> tokens.
 *
 * Words are returned raw, quotes and backslashes still in them, for the
 * expander to interpret later; the lexer only has to know where a word
 * ends: at an unquoted blank or operator character.  A quote, a $( or a
 * trailing backslash may run past the end of the buffer: then it asks for
 * another line (input_more, which prompts PS2), so the buffer grows while
 * a token is being read.  That is why positions are indices, never
 * pointers.  "2>" and "2>&1" give a redirection token with fd 2; a '#'
 * at the start of a token begins a comment that runs to the newline.
 * Substitutions ($(...), ${...}, `...`, $((...))) are skipped whole, with
 * the quotes inside them.  Reserved words (if, do, ...) are ordinary
 * words here: only the parser knows where a word is a command's first.
 * After a newline token the bodies of the here-documents of that line are
 * read (heredoc.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sh.h"
#include "ulib.h"

#define END (-1)
#define MAX_IO_NUMBER_DIGITS 2

struct lexer {
	struct sh_input *in;
	int error;		/* input ended inside a quote or $( */
};

static int peekc(struct lexer *lx, size_t ahead)
{
	struct sh_input *in = lx->in;

	while (in->pos + ahead >= in->len)
		if (!input_more(in))
			return END;
	return (unsigned char)in->buf[in->pos + ahead];
}

static int is_meta(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' ||
	       c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
}

static void unterminated(struct lexer *lx, const char *what)
{
	ul_warn("syntax error: unterminated %s", what);
	lx->error = 1;
}

static void skip_subst(struct lexer *lx);
static void skip_brace(struct lexer *lx);
static void skip_backquote(struct lexer *lx);

/* At a '$' or '`': skip a substitution if one starts here; 1 if it did. */
static int skip_dollar(struct lexer *lx)
{
	int c = peekc(lx, 0), n = peekc(lx, 1);

	if (c == '`')
		skip_backquote(lx);
	else if (c == '$' && n == '(')
		skip_subst(lx);
	else if (c == '$' && n == '{')
		skip_brace(lx);
	else
		return 0;
	return 1;
}

/* At the opening quote; leaves pos just past the closing one. */
static void skip_single(struct lexer *lx)
{
	int c;

	lx->in->pos++;
	while ((c = peekc(lx, 0)) != '\'') {
		if (c == END) {
			unterminated(lx, "'");
			return;
		}
		lx->in->pos++;
	}
	lx->in->pos++;
}

static void skip_double(struct lexer *lx)
{
	int c;

	lx->in->pos++;
	while ((c = peekc(lx, 0)) != '"') {
		if (c == END) {
			unterminated(lx, "\"");
			return;
		}
		if (c == '\\' && peekc(lx, 1) != END)
			lx->in->pos += 2;
		else if (!skip_dollar(lx))
			lx->in->pos++;
		if (lx->error)
			return;
	}
	lx->in->pos++;
}

/* At '`': past the closing one (a backslash quotes the next char). */
static void skip_backquote(struct lexer *lx)
{
	int c;

	lx->in->pos++;
	while ((c = peekc(lx, 0)) != '`') {
		if (c == END) {
			unterminated(lx, "`");
			return;
		}
		lx->in->pos += (c == '\\' && peekc(lx, 1) != END) ? 2 : 1;
	}
	lx->in->pos++;
}

/* At the '$' of "${": past the matching '}', minding quotes and nesting. */
static void skip_brace(struct lexer *lx)
{
	int c;

	lx->in->pos += 2;
	while ((c = peekc(lx, 0)) != '}' && !lx->error) {
		if (c == END) {
			unterminated(lx, "${");
			return;
		}
		if (c == '\\')
			lx->in->pos += peekc(lx, 1) == END ? 1 : 2;
		else if (c == '\'')
			skip_single(lx);
		else if (c == '"')
			skip_double(lx);
		else if (!skip_dollar(lx))
			lx->in->pos++;
	}
	if (!lx->error)
		lx->in->pos++;
}

/* The word "case" or "esac" starts at the lexer's position: +1, -1, or 0. */
static int case_word(struct lexer *lx)
{
	static const char *const words[] = { "case", "esac" };
	size_t i, k;
	int before = lx->in->pos > 0 ? (unsigned char)lx->in->buf[lx->in->pos - 1] : ' ';

	if (isalnum(before) || before == '_')
		return 0;
	for (i = 0; i < 2; i++) {
		for (k = 0; words[i][k] && peekc(lx, k) == words[i][k]; k++)
			;
		if (!words[i][k] && (peekc(lx, k) == END || is_meta(peekc(lx, k))))
			return i == 0 ? 1 : -1;
	}
	return 0;
}

/*
 * At the '$' of "$(": past the matching ')', minding quotes and nesting.
 * Inside a case command (counted by its words) a ')' at the outer level
 * ends a pattern, not the substitution.
 */
static void skip_subst(struct lexer *lx)
{
	int c, depth = 1, cases = 0;

	lx->in->pos += 2;
	while (depth > 0 && !lx->error) {
		c = peekc(lx, 0);
		if (c == 'c' || c == 'e')
			cases += case_word(lx);
		switch (c) {
		case END:
			unterminated(lx, "$(");
			return;
		case '\\':
			lx->in->pos += peekc(lx, 1) == END ? 1 : 2;
			break;
		case '\'':
			skip_single(lx);
			break;
		case '"':
			skip_double(lx);
			break;
		case '`':
			skip_backquote(lx);
			break;
		case '(':
			depth++;
			lx->in->pos++;
			break;
		case ')':
			if (depth > 1 || cases <= 0)
				depth--;
			lx->in->pos++;
			break;
		default:
			lx->in->pos++;
		}
	}
}

static void scan_word(struct lexer *lx)
{
	int c;

	while ((c = peekc(lx, 0)) != END && !is_meta(c) && !lx->error) {
		if (c == '\\')
			lx->in->pos += peekc(lx, 1) == END ? 1 : 2;
		else if (c == '\'')
			skip_single(lx);
		else if (c == '"')
			skip_double(lx);
		else if (!skip_dollar(lx))
			lx->in->pos++;
	}
}

/* Blanks, backslash-newlines and a comment before the next token. */
static void skip_blanks(struct lexer *lx)
{
	int c;

	for (;;) {
		c = peekc(lx, 0);
		if (c == ' ' || c == '\t') {
			lx->in->pos++;
		} else if (c == '\\' && peekc(lx, 1) == '\n') {
			lx->in->pos += 2;
		} else if (c == '#') {
			while ((c = peekc(lx, 0)) != END && c != '\n')
				lx->in->pos++;
		} else {
			return;
		}
	}
}

struct op {
	const char *text;
	enum tok_type type;
};

/* Longest first, so ">>" wins over ">". */
static const struct op ops[] = {
	{ "<<-", TK_DLESSDASH },
	{ "&&", TK_AND_IF }, { "||", TK_OR_IF }, { ">>", TK_DGREAT },
	{ ">&", TK_GREATAND }, { "<&", TK_LESSAND }, { ";;", TK_DSEMI },
	{ "<<", TK_DLESS }, { "<>", TK_LESSGREAT }, { ">|", TK_CLOBBER },
	{ ";", TK_SEMI }, { "&", TK_AMP }, { "|", TK_PIPE }, { "(", TK_LPAREN },
	{ ")", TK_RPAREN }, { "<", TK_LESS }, { ">", TK_GREAT },
	{ "\n", TK_NEWLINE },
};

static int lex_op(struct lexer *lx, struct token *tok)
{
	size_t i, n;

	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		const char *t = ops[i].text;

		for (n = 0; t[n] && peekc(lx, n) == (unsigned char)t[n]; n++)
			;
		if (t[n] == '\0') {
			tok->type = ops[i].type;
			tok->text = (char *)t;
			lx->in->pos += n;
			return 1;
		}
	}
	return 0;
}

static int is_redir(enum tok_type t)
{
	return t >= TK_LESS && t <= TK_DLESSDASH;
}

static int reads(enum tok_type t)
{
	return t == TK_LESS || t == TK_LESSAND || t == TK_LESSGREAT ||
	       t == TK_DLESS || t == TK_DLESSDASH;
}

/* "2>file": a short all-digit word right before < or > names the fd. */
static int io_number(struct sh_input *in, size_t start, struct token *tok)
{
	size_t i, n = in->pos - start;

	if (n == 0 || n > MAX_IO_NUMBER_DIGITS)
		return 0;
	if (in->pos >= in->len || (in->buf[in->pos] != '<' && in->buf[in->pos] != '>'))
		return 0;
	for (i = start; i < in->pos; i++)
		if (!isdigit((unsigned char)in->buf[i]))
			return 0;
	tok->fd = 0;
	for (i = start; i < in->pos; i++)
		tok->fd = tok->fd * 10 + (in->buf[i] - '0');
	return 1;
}

void lex_next(struct sh_input *in, struct token *tok)
{
	struct lexer lx = { in, 0 };
	size_t start;
	int fd;

	skip_blanks(&lx);
	tok->fd = -1;
	tok->start = in->pos;
	if (peekc(&lx, 0) == END) {
		tok->type = TK_EOF;
		tok->text = "end of file";
	} else if (!lex_op(&lx, tok)) {
		start = in->pos;
		scan_word(&lx);
		tok->type = lx.error ? TK_ERROR : TK_WORD;
		tok->text = sh_strndup(in->buf + start, in->pos - start);
		if (!lx.error && io_number(in, start, tok)) {
			fd = tok->fd;
			lex_op(&lx, tok);
			tok->fd = fd;
		}
	}
	if (is_redir(tok->type) && tok->fd < 0)
		tok->fd = reads(tok->type) ? 0 : 1;
	tok->end = in->pos;
	if (tok->type == TK_NEWLINE && in->heredocs)
		heredoc_read_pending(in);
}

size_t lex_subst_end(const char *s, size_t i)
{
	struct sh_input in;
	struct lexer lx = { &in, 0 };

	input_init_string(&in, s);
	in.pos = i;
	if (!skip_dollar(&lx))
		return 0;
	return lx.error ? 0 : in.pos;
}
