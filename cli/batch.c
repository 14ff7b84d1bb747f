/*
 * batch.c — sessions fed by a stream that is not a terminal (stdin, -c,
 * -f): every line runs as typed; dialog questions take the next line as
 * their answer.  With echo the output reads like a console log: prompt and
 * command, question and answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/console.h"
#include "cli/pkish.h"

static void b_write(void *arg, const char *buf, size_t n)
{
	struct batch *b = arg;
	fwrite(buf, 1, n, b->out);
}

static int b_ask(void *arg, const char *question, int hidden, char *buf, size_t n)
{
	struct batch *b = arg;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	fputs(question, b->out);
	fflush(b->out);
	len = b->in ? getline(&line, &cap, b->in) : -1;
	if (len < 0) {
		free(line);
		fputc('\n', b->out);
		buf[0] = '\0';
		return -1;
	}
	b->lineno++;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	snprintf(buf, n, "%s", line);
	free(line);
	if (b->echo && !hidden)
		fputs(buf, b->out);
	fputc('\n', b->out);
	fflush(b->out);
	return 0;
}

static void b_wake(void *arg)
{
	(void)arg;   /* async output is printed between lines */
}

const struct cli_io batch_io = {
	.write = b_write, .ask = b_ask, .more = NULL, .wake = b_wake, .drop = NULL,
};

int batch_run_line(cli_sess *s, struct batch *b, const char *line)
{
	int rc;

	if (b->name)
		cli_set_replay(s, b->name, b->lineno);
	rc = cli_exec(s, line);
	if (b->name)
		cli_set_replay(s, NULL, 0);
	cli_flush_async(s);
	fflush(b->out);
	return rc;
}

void batch_run(cli_sess *s, struct batch *b)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	while (!cli_done(s) && !pkish_stopping() && (len = getline(&line, &cap, b->in)) >= 0) {
		b->lineno++;
		batch_run_line(s, b, line);
	}
	free(line);
	cli_flush_async(s);
	fflush(b->out);
}
