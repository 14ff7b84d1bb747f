/*
 * t.h — the unit-test harness: one binary per module, each test in its own
 * process (a crash or an abort is one failed test, not a lost run).
 *
 *   TEST(name) { ASSERT(x); ASSERT_EQ(a, b); ASSERT_STREQ(s, t); }
 *   ...
 *   TESTS(T(name), T(other))          -- expands to main()
 *
 * Output is one line per test, "ok N - name" or "not ok N - name", which
 * tests/run.sh counts.  Run a single test with: test_x NAME.
 */
#ifndef PKISH_T_H
#define PKISH_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#define TEST(name) static void name(void)

#define T_FAIL(...) do { fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); exit(1); } while (0)

#define ASSERT(c) do { if (!(c)) T_FAIL("assertion failed: %s", #c); } while (0)
#define ASSERT_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) T_FAIL("%s == %s: %lld != %lld", #a, #b, a_, b_); } while (0)
#define ASSERT_STREQ(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) \
		T_FAIL("%s == %s:\n    got:      \"%s\"\n    expected: \"%s\"", \
		       #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)

struct t_entry { const char *name; void (*fn)(void); };
#define T(fn) { #fn, fn }

static inline int t_main(int argc, char **argv, const struct t_entry *t, size_t n)
{
	int failed = 0;
	size_t i, num = 0;
	for (i = 0; i < n; i++) {
		pid_t pid;
		int st = 0;
		if (argc > 1 && strcmp(argv[1], t[i].name) != 0)
			continue;
		num++;
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			t[i].fn();
			fflush(NULL);
			/* exit(), not _exit(): LeakSanitizer checks at exit. */
			exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0)
			st = -1;
		if (st == 0) {
			printf("ok %zu - %s\n", num, t[i].name);
		} else {
			failed++;
			if (WIFSIGNALED(st))
				printf("not ok %zu - %s (signal %d)\n", num, t[i].name, WTERMSIG(st));
			else
				printf("not ok %zu - %s\n", num, t[i].name);
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}

#define TESTS(...) \
	int main(int argc, char **argv) { \
		static const struct t_entry t_list_[] = { __VA_ARGS__ }; \
		return t_main(argc, argv, t_list_, sizeof t_list_ / sizeof t_list_[0]); \
	}

#endif
