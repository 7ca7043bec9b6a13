/*
 * File modes as text: the ten-character string of ls -l and stat
 * ("-rw-r--r--", "drwxrwxrwt", "lrwxrwxrwx") and the file type in words.
 */
#include <sys/stat.h>

#include "ulib.h"

static char type_char(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:  return 'd';
	case S_IFLNK:  return 'l';
	case S_IFCHR:  return 'c';
	case S_IFBLK:  return 'b';
	case S_IFIFO:  return 'p';
	case S_IFSOCK: return 's';
	default:       return '-';
	}
}

/* The execute slot shows the set-id or sticky bit: s/t if x is set too. */
static char exec_char(mode_t mode, mode_t xbit, mode_t special, char on)
{
	if (mode & special)
		return (mode & xbit) ? on : (char)(on - 'a' + 'A');
	return (mode & xbit) ? 'x' : '-';
}

void ul_mode_string(mode_t mode, char out[UL_MODE_STRLEN])
{
	out[0] = type_char(mode);
	out[1] = (mode & S_IRUSR) ? 'r' : '-';
	out[2] = (mode & S_IWUSR) ? 'w' : '-';
	out[3] = exec_char(mode, S_IXUSR, S_ISUID, 's');
	out[4] = (mode & S_IRGRP) ? 'r' : '-';
	out[5] = (mode & S_IWGRP) ? 'w' : '-';
	out[6] = exec_char(mode, S_IXGRP, S_ISGID, 's');
	out[7] = (mode & S_IROTH) ? 'r' : '-';
	out[8] = (mode & S_IWOTH) ? 'w' : '-';
	out[9] = exec_char(mode, S_IXOTH, S_ISVTX, 't');
	out[10] = '\0';
}

const char *ul_file_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:  return "regular file";
	case S_IFDIR:  return "directory";
	case S_IFLNK:  return "symbolic link";
	case S_IFCHR:  return "character special file";
	case S_IFBLK:  return "block special file";
	case S_IFIFO:  return "fifo";
	case S_IFSOCK: return "socket";
	default:       return "unknown";
	}
}
