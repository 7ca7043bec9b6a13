/* pccheck: the power-cut harness's judge (tools/powercut.sh).
 *
 *   pccheck LOG DIR
 *
 * LOG is the serial output of one pcwriter run (user/tests/os/pcwriter.c)
 * that was killed; DIR holds the files of its directory as extracted from
 * the image after replay.  Every file whose last announced step completed
 * ("P OK", "P MV", "P RM") must be there with at least its announced
 * length, and every byte must be pcwriter's pattern; the one step that was
 * in flight at the cut ("P BEGIN" with no end) may have happened or not.
 * Prints one line per lost or damaged file and a summary; exit 0 when
 * nothing was lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILES 4096
#define NAME_MAX_LEN 64
#define LINE_MAX_LEN 256

typedef struct file {
	char name[NAME_MAX_LEN];
	unsigned id, len;
	int live;
} file_t;

static file_t files[MAX_FILES];
static int nfiles;
static char pending[LINE_MAX_LEN];	/* the BEGIN line with no end, or "" */

static unsigned char pc_byte(unsigned id, unsigned k)	/* as pcwriter */
{
	return (unsigned char)(k * 131u + id * 7u + (k >> 8) + (id >> 3));
}

static file_t *find(const char *name)
{
	for (int i = 0; i < nfiles; i++)
		if (files[i].live && strcmp(files[i].name, name) == 0)
			return &files[i];
	return NULL;
}

static void parse(FILE *log)
{
	char line[LINE_MAX_LEN], a[NAME_MAX_LEN], b[NAME_MAX_LEN];
	unsigned id, len;
	while (fgets(line, sizeof(line), log)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *p = strstr(line, "P ");
		if (!p)
			continue;
		if (strncmp(p, "P BEGIN ", 8) == 0) {
			snprintf(pending, sizeof(pending), "%s", p + 8);
		} else if (sscanf(p, "P OK %63s %u %u", a, &id, &len) == 3) {
			file_t *f = find(a);
			if (!f && nfiles < MAX_FILES)
				f = &files[nfiles++];
			if (f) {
				snprintf(f->name, sizeof(f->name), "%s", a);
				f->id = id;
				f->len = len;
				f->live = 1;
			}
			pending[0] = '\0';
		} else if (sscanf(p, "P MV %63s %63s", a, b) == 2) {
			file_t *f = find(a);
			if (f)
				snprintf(f->name, sizeof(f->name), "%s", b);
			pending[0] = '\0';
		} else if (sscanf(p, "P RM %63s", a) == 1) {
			file_t *f = find(a);
			if (f)
				f->live = 0;
			pending[0] = '\0';
		}
	}
}

/* 0: intact; 1: missing; 2: short or wrong bytes (what says which). */
static int check(const char *dir, const char *name, unsigned id, unsigned len, char *what,
		 size_t n)
{
	char path[2 * LINE_MAX_LEN];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return 1;
	unsigned k = 0;
	int c, bad = 0;
	while ((c = getc(fp)) != EOF) {
		if (!bad && (unsigned char)c != pc_byte(id, k)) {
			snprintf(what, n, "wrong byte at offset %u", k);
			bad = 1;
		}
		k++;
	}
	fclose(fp);
	if (!bad && k < len) {
		snprintf(what, n, "%u bytes, expected at least %u", k, len);
		bad = 1;
	}
	return bad ? 2 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: pccheck LOG DIR\n");
		return 2;
	}
	FILE *log = fopen(argv[1], "r");
	if (!log) {
		perror(argv[1]);
		return 2;
	}
	parse(log);
	fclose(log);
	char op[16] = "", a[NAME_MAX_LEN] = "", b[NAME_MAX_LEN] = "", what[LINE_MAX_LEN];
	sscanf(pending, "%15s %63s %63s", op, a, b);
	int durable = 0, lost = 0;
	for (int i = 0; i < nfiles; i++) {
		file_t *f = &files[i];
		if (!f->live)
			continue;
		durable++;
		int in_flight = strcmp(f->name, a) == 0;
		int rc = check(argv[2], f->name, f->id, f->len, what, sizeof(what));
		if (rc == 1 && in_flight && strcmp(op, "RM") == 0)
			continue;	/* the unlink may have made it */
		if (rc == 1 && in_flight && strcmp(op, "MV") == 0)
			rc = check(argv[2], b, f->id, f->len, what, sizeof(what));
		if (rc == 1)
			printf("pccheck: LOST %s (file %u, %u bytes fsynced)\n", f->name, f->id, f->len);
		else if (rc == 2)
			printf("pccheck: DAMAGED %s (file %u): %s\n", f->name, f->id, what);
		lost += rc != 0;
	}
	printf("pccheck: %d fsynced files, %d lost or damaged%s%s\n", durable, lost,
	       pending[0] ? "; in flight: " : "", pending);
	return lost ? 1 : 0;
}
