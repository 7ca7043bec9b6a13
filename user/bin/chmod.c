/*
 * chmod MODE FILE...: set permission bits.  MODE is octal (755) or
 * symbolic: comma-separated clauses [ugoa]*[+-=][rwxst]*, where no
 * u/g/o/a means all three (not limited by the umask, for simplicity).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ulib.h"

#define ALL_PERMS 07777

static mode_t who_mask(const char **p)
{
	mode_t m = 0;

	for (;; (*p)++) {
		switch (**p) {
		case 'u': m |= S_ISUID | S_IRWXU; break;
		case 'g': m |= S_ISGID | S_IRWXG; break;
		case 'o': m |= S_IRWXO; break;
		case 'a': m |= ALL_PERMS; break;
		default:  return m ? m : ALL_PERMS;
		}
	}
}

static int perm_bits(const char **p, mode_t *bits)
{
	for (*bits = 0;; (*p)++) {
		switch (**p) {
		case 'r': *bits |= S_IRUSR | S_IRGRP | S_IROTH; break;
		case 'w': *bits |= S_IWUSR | S_IWGRP | S_IWOTH; break;
		case 'x': *bits |= S_IXUSR | S_IXGRP | S_IXOTH; break;
		case 's': *bits |= S_ISUID | S_ISGID; break;
		case 't': *bits |= S_ISVTX; break;
		default:  return **p == ',' || **p == '\0';
		}
	}
}

/* Apply a symbolic mode to old; -1 if it does not parse. */
static long symbolic(const char *s, mode_t old)
{
	mode_t mode = old & ALL_PERMS, who, bits;
	char op;

	for (;;) {
		who = who_mask(&s);
		op = *s++;
		if ((op != '+' && op != '-' && op != '=') || !perm_bits(&s, &bits))
			return -1;
		bits &= who | S_ISVTX;
		if (op == '+')
			mode |= bits;
		else if (op == '-')
			mode &= ~bits;
		else
			mode = (mode & ~who) | bits;
		if (*s == '\0')
			return mode;
		s++;		/* ',' */
	}
}

int main(int argc, char **argv)
{
	struct stat st;
	char *end;
	long octal, mode;
	int i, status = 0;

	ul_setprogname(argv[0]);
	if (argc < 3)
		ul_die(1, "usage: chmod MODE FILE...");
	octal = strtol(argv[1], &end, 8);
	if (*end == '\0' && (octal < 0 || octal > ALL_PERMS))
		ul_die(1, "%s: invalid mode", argv[1]);
	for (i = 2; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
			continue;
		}
		mode = *end == '\0' ? octal : symbolic(argv[1], st.st_mode);
		if (mode < 0)
			ul_die(1, "%s: invalid mode", argv[1]);
		if (chmod(argv[i], (mode_t)mode) < 0) {
			ul_warnerr("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
