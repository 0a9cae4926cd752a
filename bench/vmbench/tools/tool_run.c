/* Running a tool with its stdout in a file, and reading files back. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool.h"

int tool_exec(char *const *argv, const char *stdout_file, int quiet)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = stdout_file ? open(stdout_file, O_WRONLY | O_CREAT | O_TRUNC, 0644) :
			 quiet ? open("/dev/null", O_WRONLY) : 1;
		if (fd < 0 || (fd != 1 && dup2(fd, 1) < 0))
			_exit(127);
		if (quiet) {
			int null_fd = open("/dev/null", O_WRONLY);
			dup2(null_fd, 2);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "vmbench-tool: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *tool_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *grown = realloc(buf, cap = cap * 2 + 8192);
			if (!grown) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}
