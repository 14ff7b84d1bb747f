/*
 * batch.c — sessions fed by a stream that is not a terminal (stdin, -c,
 * -f): every line runs as typed; dialog questions take the next line as
 * their answer.  With echo the output reads like a console log: prompt and
 * command, question and answer.  Also the reading of -f files: errors for
 * what cannot be replayed, line ends, NUL bytes, and the rule that tells a
 * configuration from a script of EXEC commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/console.h"
#include "cli/pkish.h"
#include "core/text.h"

/* Text of the input echoed as the session's output shows it: NUL as ^@,
 * every other control character escaped too (core/text.h). */
static void fputs_visible(const char *s, size_t n, FILE *out)
{
	char buf[2048];

	pk_visible(buf, sizeof buf, s, n, PK_VIS_LINES);
	fputs(buf, out);
}

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
		fputs_visible(buf, strlen(buf), b->out);
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

/* ---- -f FILE: reading, line ends, configuration or script ------------------------ */

int pkish_read_file(const char *path, char **data, size_t *len)
{
	struct stat st;
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, n = 0, pos = 0, ln;
	const char *line;
	int content = 0;

	*data = NULL;
	*len = 0;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "pkish: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "pkish: %s: %s\n", path, strerror(EISDIR));
		return -1;
	}
	f = fopen(path, "rbe");
	if (!f) {
		fprintf(stderr, "pkish: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t r;
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 + 1 : 8193);
			if (!nb) {
				fprintf(stderr, "pkish: %s: out of memory\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "pkish: %s: %s\n", path, strerror(errno ? errno : EIO));
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	while (!content && cli_next_line(buf, n, &pos, &line, &ln)) {
		size_t i = 0;
		while (i < ln && (line[i] == ' ' || line[i] == '\t'))
			i++;
		content = i < ln && line[i] != '!';
	}
	if (!content) {
		fprintf(stderr, "pkish: %s: %s\n", path, n ? "no commands in the file (only blank "
			"lines and comments)" : "empty file: nothing to replay");
		free(buf);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
}

int pkish_prepare_text(char *data, size_t *len, const char *name, FILE *out)
{
	size_t pos = 0, o = 0, n;
	const char *line;
	int lineno = 0, nul = 0;

	while (cli_next_line(data, *len, &pos, &line, &n)) {
		lineno++;
		if (memchr(line, '\0', n)) {
			fprintf(out, "%s line %d: ", name, lineno);
			fputs_visible(line, n < 400 ? n : 400, out);
			fprintf(out, "\n%% NUL character in the line: line not applied\n");
			nul++;
			n = 0;
		}
		/* the text only shrinks: o <= line - data */
		memmove(data + o, line, n);
		o += n;
		if (pos > (size_t)(line - data) + n)
			data[o++] = '\n';   /* the line had an end */
	}
	data[o] = '\0';
	*len = o;
	return nul;
}

/* Does the token fit the node (as the matcher would take it, roughly)? */
static int accepts(const struct cli_node *n, const char *tok)
{
	size_t len = strlen(tok);
	char *end;
	long long v;

	switch (n->kind) {
	case CLI_KW:
		if (strcasecmp(n->tok, tok) == 0)
			return 1;
		return !(n->flags & CLI_F_HIDDEN) && len < strlen(n->tok) &&
		       strncasecmp(n->tok, tok, len) == 0;
	case CLI_INT:
		errno = 0;
		v = strtoll(tok, &end, 10);
		return *tok && !*end && errno == 0 && v >= n->lo && v <= n->hi;
	case CLI_HEX:
		if (strncasecmp(tok, "0x", 2) == 0)
			tok += 2;
		return *tok && strspn(tok, "0123456789abcdefABCDEF") == strlen(tok);
	case CLI_IPV4:
		return cli_parse_ipv4(tok, NULL) == 0;
	case CLI_URL:
		return strchr(tok, ':') != NULL;
	case CLI_WORD:
	case CLI_LINE:
		return 1;
	}
	return 0;
}

/* How many of the tokens a command tree accepts, following every way
 * they can match. */
static int walk(const struct cli_node *root, char **tok, int nt)
{
	const struct cli_node *cur[32], *nxt[32];
	int nc = 1, i;

	cur[0] = root;
	for (i = 0; i < nt; i++) {
		int nn = 0, hit = 0, c;
		for (c = 0; c < nc; c++) {
			const struct cli_node *n;
			for (n = cur[c]; n->tok || n->kind; n++) {
				if (!accepts(n, tok[i]))
					continue;
				if (n->kind == CLI_LINE)
					return nt;
				hit = 1;
				if (n->next && nn < 32)
					nxt[nn++] = n->next;
			}
		}
		if (!hit)
			return i;
		memcpy(cur, nxt, (size_t)nn * sizeof cur[0]);
		nc = nn;
	}
	return nt;
}

int pkish_looks_like_config(const char *text)
{
	size_t pos = 0, n, len = strlen(text);
	const char *line;

	while (cli_next_line(text, len, &pos, &line, &n)) {
		char buf[1024], *tok[32], *save = NULL, *t;
		int nt = 0;

		if (n >= sizeof buf)
			return 1;
		memcpy(buf, line, n);
		buf[n] = '\0';
		for (t = buf; *t == ' ' || *t == '\t'; t++)
			;
		if (!*t || *t == '!' || strncmp(t, "Building configuration", 22) == 0 ||
		    strncmp(t, "Current configuration", 21) == 0 || strncmp(t, "Using ", 6) == 0)
			continue;
		/* the first command decides; a pipe is EXEC's, not the command's */
		for (t = strtok_r(buf, " \t", &save); t && nt < 32 && strcmp(t, "|") != 0;
		     t = strtok_r(NULL, " \t", &save))
			tok[nt++] = t;
		return !(nt > 0 && walk(n_exec, tok, nt) == nt && walk(n_config, tok, nt) < nt);
	}
	return 1;
}
