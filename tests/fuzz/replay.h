/*
 * replay.h — main() of a unit test that replays a fuzz target's committed
 * inputs in the normal build (tests/unit/test_fuzz_NAME.c includes the
 * target, sandbox.c and this, and says FUZZ_REPLAY("NAME")).
 *
 * Every file of tests/fuzz/corpus/NAME/ (the seeds) and of
 * tests/fuzz/regress/NAME/ (inputs of findings, fixed) runs through the
 * target's LLVMFuzzerInitialize (unless the test defines
 * FUZZ_REPLAY_NO_INIT: a target without one) and LLVMFuzzerTestOneInput
 * in a process
 * of its own, in name order: "ok N - regress/NAME/FILE" when it returns,
 * "not ok" when the target aborts (a broken invariant), crashes, or — in
 * make check-asan — a sanitizer reports an error or a leak.  A directory
 * without inputs is itself a failure (a target whose seeds are gone
 * tests nothing).  `test_fuzz_NAME FILE...` runs just those files.
 */
#ifndef PKISH_FUZZ_REPLAY_H
#define PKISH_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/store.h"

static int fz_replay_num;

static int fz_replay_one(const char *path, const char *shown)
{
	pid_t pid;
	int st = 0;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char *data = NULL;
		size_t len = 0;
		int argc = 1;
		char *args[] = { (char *)"replay", NULL }, **argv = args;

		if (pk_store_read(path, &data, &len) < 0) {
			fprintf(stderr, "cannot read %s\n", path);
			exit(1);
		}
#ifndef FUZZ_REPLAY_NO_INIT
		LLVMFuzzerInitialize(&argc, &argv);
#else
		(void)argc;
		(void)argv;
#endif
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		free(data);
		fflush(NULL);
		exit(0);       /* exit(), not _exit(): LeakSanitizer checks at exit */
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		st = -1;
	fz_replay_num++;
	if (st == 0) {
		printf("ok %d - %s\n", fz_replay_num, shown);
	} else if (st > 0 && WIFSIGNALED(st)) {
		printf("not ok %d - %s (signal %d)\n", fz_replay_num, shown, WTERMSIG(st));
	} else {
		printf("not ok %d - %s\n", fz_replay_num, shown);
	}
	fflush(stdout);
	return st == 0 ? 0 : 1;
}

static int fz_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int fz_not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Every file of tests/fuzz/KIND/NAME/. */
static int fz_replay_dir(const char *kind, const char *name, int need)
{
	struct dirent **list = NULL;
	char dir[256], path[1024], shown[1024];
	int i, n, failed = 0;

	snprintf(dir, sizeof dir, "tests/fuzz/%s/%s", kind, name);
	n = scandir(dir, &list, fz_not_hidden, fz_name_cmp);
	if (n <= 0) {
		free(list);
		if (!need)
			return 0;
		printf("not ok %d - %s: no inputs (run from the repository root)\n", ++fz_replay_num, dir);
		return 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		snprintf(shown, sizeof shown, "%s/%s/%s", kind, name, list[i]->d_name);
		failed += fz_replay_one(path, shown);
		free(list[i]);
	}
	free(list);
	return failed;
}

#define FUZZ_REPLAY(name) \
	int main(int argc, char **argv) \
	{ \
		int i_, failed_ = 0; \
		if (argc > 1) { \
			for (i_ = 1; i_ < argc; i_++) \
				failed_ += fz_replay_one(argv[i_], argv[i_]); \
			return failed_ != 0; \
		} \
		failed_ += fz_replay_dir("corpus", name, 1); \
		failed_ += fz_replay_dir("regress", name, 0); \
		return failed_ != 0; \
	}

#endif
