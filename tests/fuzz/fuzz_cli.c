/*
 * fuzz_cli.c — libFuzzer target for the CLI line parser (cli/engine.c:
 * tokenizer, matcher, abbreviations, no/default, do, walkup, pipes;
 * cli/session.c) and the handlers it calls, in every mode, on a whole
 * device in a temporary directory (tests/fuzz/cli_env.h; sandbox.c keeps
 * the handlers inside it).
 *
 * Input: a header byte, then lines ('\n'-separated, at most 64 run):
 *   header  bit 0 privileged EXEC, bit 1 an interactive console (carets,
 *           --More--), bit 2 echo, bits 3-5 the mode the lines start in
 *           (EXEC, config, trustpoint TP, cs-server CS, cert-chain TP, a
 *           certificate's hex input, line vty, EXEC again), entered with
 *           real commands
 *   lines   one ending in '?' is help on the text before it (cli_help), one
 *           ending in TAB is completion (cli_complete), any other is run
 *           (cli_exec); a question the command asks takes the next line.
 * Invariants (abort = finding): help and completion change nothing (the
 * running-config is the same before and after); a completion is a word
 * (at most a blank after it) no longer than a line; the prompt is always
 * "NAME[(MODE)]>" or "#"; nothing printed holds a NUL byte; no crash,
 * leak, hang or undefined behaviour.  Seeds: tests/fuzz/corpus/cli/.
 */
#include <stdint.h>

#include "tests/fuzz/cli_env.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fzc_init("cli");
	return 0;
}

static const char *const preamble[8][5] = {
	{ NULL },
	{ "configure terminal", NULL },
	{ "configure terminal", "crypto pki trustpoint TP", NULL },
	{ "configure terminal", "ip http server", "crypto pki server CS", NULL },
	{ "configure terminal", "crypto pki trustpoint TP", "exit",
	  "crypto pki certificate chain TP", NULL },
	{ "configure terminal", "crypto pki trustpoint TP", "exit",
	  "crypto pki certificate chain TP", "certificate ca 01" },
	{ "configure terminal", "line vty 0 4", NULL },
	{ NULL },
};

static void one_line(const char *line)
{
	size_t n = strlen(line);
	char *before, *after, *text;

	if (n && (line[n - 1] == '?' || line[n - 1] == '\t')) {
		text = strndup(line, n - 1);
		if (!text)
			fz_die("out of memory");
		before = fzc_nvgen();
		if (line[n - 1] == '?') {
			cli_help(fzc.s, text);
		} else {
			char *c = cli_complete(fzc.s, text);
			if (c) {
				size_t k = strlen(c);
				/* the rest of one word, and the blank after it */
				FZ_CHECK(k <= FZC_LINE_MAX && strcspn(c, " ") + (k && c[k - 1] == ' ') >= k);
				free(c);
			}
		}
		after = fzc_nvgen();
		FZ_CHECK(strcmp(before, after) == 0);
		free(before);
		free(after);
		free(text);
	} else {
		if (fzc.trace)
			fprintf(stderr, "%s%s\n", cli_prompt(fzc.s), line);
		cli_exec(fzc.s, line);
	}
	cli_flush_async(fzc.s);
	fzc_check_prompt();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[FZC_LINE_MAX + 1];
	unsigned hdr, i;

	if (size < 1)
		return 0;
	hdr = data[0];
	fzc_reset(CLI_S_CONSOLE | (hdr & 2 ? CLI_S_INTERACTIVE : 0) | (hdr & 4 ? CLI_S_ECHO : 0),
		  1, NULL, 0);
	for (i = 0; i < 5 && preamble[hdr >> 3 & 7][i]; i++)
		cli_exec(fzc.s, preamble[hdr >> 3 & 7][i]);
	cli_set_priv(fzc.s, hdr & 1);
	fzc.in.p = data + 1;
	fzc.in.n = size - 1;
	for (i = 0; i < 64 && !cli_done(fzc.s) && fzc_next_line(&fzc, line, sizeof line) == 0; i++)
		one_line(line);
	cli_sess_free(fzc.s);
	fzc.s = NULL;
	return 0;
}
