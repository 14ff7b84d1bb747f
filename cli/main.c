/*
 * main.c — one process is one device.
 *
 *   pkish [-d DIR]                 device here, console on this terminal
 *                                  (or batch when stdin is not a terminal)
 *   pkish -d DIR --daemon          device in the background, no console
 *   pkish -d DIR -c CMD [-c ...]   privileged EXEC commands on the device
 *                                  running in DIR, or on one started for
 *                                  the call
 *   pkish -d DIR -f FILE           replay FILE (a configuration or a script)
 *   pkish -d DIR --attach          interactive session on the running device
 *   pkish -d DIR --stop            stop the running device
 *
 * Options: --echo (batch output reads like a console log), --frozen-clock
 * (the clock moves only with `clock set`), --batch (no line editing even
 * on a terminal), --http-bind ADDR (where `ip http server` listens).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmds.h"
#include "cli/console.h"
#include "cli/pkish.h"

static volatile sig_atomic_t got_stop;
static int stop_pipe[2] = { -1, -1 };
static int interactive_console;
static pthread_t main_thread;

static void on_signal(int sig)
{
	char c = 1;
	ssize_t r;

	if (sig == SIGINT && interactive_console)
		return;   /* ^C while a command runs: ignored, as IOS does */
	got_stop = 1;
	if (stop_pipe[1] >= 0)
		r = write(stop_pipe[1], &c, 1);
	(void)r;
}

int pkish_stopping(void)
{
	return got_stop || vty_stop_requested();
}

/* From any thread: the main thread gets SIGTERM, which interrupts whatever
 * it blocks in (reading a line, waiting in the daemon loop). */
void pkish_request_stop(void)
{
	got_stop = 1;
	pthread_kill(main_thread, SIGTERM);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pkish [-d DIR] [--echo] [--frozen-clock] [--batch]\n"
		"       pkish -d DIR --daemon [--frozen-clock]\n"
		"       pkish -d DIR -c CMD [-c CMD ...]\n"
		"       pkish -d DIR -f FILE\n"
		"       pkish -d DIR --attach | --stop\n"
		"options:\n"
		"  -d, --device DIR     device directory (default $PKISH_DEVICE or ./pkish-device)\n"
		"  -c, --command CMD    run CMD in privileged EXEC (repeatable)\n"
		"  -f, --file FILE      replay FILE: a configuration (show running-config\n"
		"                       format) or a script of EXEC commands\n"
		"      --daemon         run the device in the background\n"
		"      --attach         interactive session on the running device\n"
		"      --stop           stop the running device cleanly\n"
		"      --echo           batch: print prompt + command before its output\n"
		"      --frozen-clock   the clock moves only with 'clock set'\n"
		"      --batch          read commands without line editing\n"
		"      --http-bind ADDR address the HTTP server listens on (default: all)\n"
		"  -h, --help           this text\n"
		"  -V, --version        version\n");
}

struct opts {
	const char *dir;
	char **cmds;
	int ncmds;
	const char *file;
	int echo, frozen, daemon, attach, stop, batch;
	const char *http_bind;
};

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "command", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "daemon", no_argument, NULL, 'D' },
		{ "attach", no_argument, NULL, 'A' },
		{ "stop", no_argument, NULL, 'S' },
		{ "echo", no_argument, NULL, 'e' },
		{ "frozen-clock", no_argument, NULL, 'F' },
		{ "batch", no_argument, NULL, 'b' },
		{ "http-bind", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof *o);
	o->cmds = calloc((size_t)argc + 1, sizeof *o->cmds);
	if (!o->cmds)
		return -1;
	while ((c = getopt_long(argc, argv, "d:c:f:hV", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'c': o->cmds[o->ncmds++] = optarg; break;
		case 'f': o->file = optarg; break;
		case 'D': o->daemon = 1; break;
		case 'A': o->attach = 1; break;
		case 'S': o->stop = 1; break;
		case 'e': o->echo = 1; break;
		case 'F': o->frozen = 1; break;
		case 'b': o->batch = 1; break;
		case 'H': o->http_bind = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("pkish %s\n", PACKAGE_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pkish: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	if (!o->dir)
		o->dir = getenv("PKISH_DEVICE");
	if (!o->dir || !*o->dir)
		o->dir = "pkish-device";
	if ((o->attach + o->stop + o->daemon) > 1 ||
	    ((o->attach || o->stop || o->daemon) && (o->ncmds || o->file)) ||
	    (o->ncmds && o->file)) {
		fprintf(stderr, "pkish: conflicting options\n");
		return -1;
	}
	return 0;
}

/* The "config or script" decision for -f: a file in show running-config
 * form starts with '!' lines or the "Building configuration" header. */
int pkish_looks_like_config(const char *text)
{
	const char *p = text;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			return 0;
		return *p == '!' || strncmp(p, "Building configuration", 22) == 0 ||
		       strncmp(p, "Current configuration", 21) == 0 ||
		       strncmp(p, "version ", 8) == 0;
	}
	return 0;
}

/* The pid, for people and scripts; the lock itself is the flock (a killed
 * device releases it, so a stale file never blocks a restart). */
static void write_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) != n)
		(void)0;
}

static int lock_device(const char *dir)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof path, "%s/pkish.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -2;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return -1;
	}
	write_pid(fd);
	return fd;
}

static void discard_write(void *arg, const char *buf, size_t n)
{
	(void)arg; (void)buf; (void)n;
}

static int discard_ask(void *arg, const char *q, int hidden, char *buf, size_t n)
{
	(void)arg; (void)q; (void)hidden;
	buf[0] = '\0';
	return -1;
}

static const struct cli_io discard_io = {
	.write = discard_write, .ask = discard_ask,
};

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;     /* no SA_RESTART: blocking reads return EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Threads other than main never see the stop signals. */
static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

static int run_client(const struct opts *o, const char *sock)
{
	int fd = vty_connect(sock), rc;

	if (fd < 0)
		return -1;
	if (o->ncmds) {
		rc = vty_client_commands(fd, o->cmds, o->ncmds, o->echo);
	} else {
		FILE *f = fopen(o->file, "re");
		char *text = NULL;
		size_t cap = 0;
		ssize_t n;
		int config;
		if (!f) {
			fprintf(stderr, "pkish: %s: %s\n", o->file, strerror(errno));
			close(fd);
			return 2;
		}
		n = getdelim(&text, &cap, '\0', f);
		config = n > 0 && pkish_looks_like_config(text);
		free(text);
		rewind(f);
		rc = vty_client_file(fd, f, o->file, o->echo, config);
		fclose(f);
	}
	close(fd);
	return rc;
}

static int run_file_local(cli_sess *s, struct batch *b, const char *file)
{
	FILE *f = fopen(file, "re");
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		fprintf(stderr, "pkish: %s: %s\n", file, strerror(errno));
		return -1;
	}
	n = getdelim(&text, &cap, '\0', f);
	if (n > 0 && pkish_looks_like_config(text)) {
		cli_replay_config(s, file, text);
		cli_flush_async(s);
	} else {
		rewind(f);
		b->in = f;
		b->name = file;
		batch_run(s, b);
		b->in = stdin;
	}
	free(text);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	/* static: o.cmds lives as long as the process, whichever of the many
	 * returns below ends it (LeakSanitizer then sees it reachable) */
	static struct opts o;
	char sock[4200];
	pk_device *dev = NULL;
	cli_sess *s = NULL;
	int lockfd = -1, rc = 0, ready[2] = { -1, -1 }, i;
	struct batch b;
	struct term_local tl = { NULL, { -1, -1 } };
	sigset_t oldmask;

	if (parse(argc, argv, &o) < 0)
		return 2;
	if (strlen(o.dir) > 3000) {
		fprintf(stderr, "pkish: device directory name too long\n");
		return 2;
	}
	snprintf(sock, sizeof sock, "%s/console.sock", o.dir);
	main_thread = pthread_self();
	install_signals();

	if (o.stop || o.attach) {
		int fd = vty_connect(sock);
		if (fd < 0) {
			fprintf(stderr, "%% No device is running in %s\n", o.dir);
			return 1;
		}
		rc = o.stop ? vty_client_stop(fd) : vty_client_attach(fd);
		close(fd);
		return rc;
	}

	/* -c / -f go to the device running in DIR when there is one. */
	if (o.ncmds || o.file) {
		rc = run_client(&o, sock);
		if (rc >= 0)
			return rc;
	}

	if (pk_store_mkdirs(o.dir, 0700) < 0) {
		fprintf(stderr, "pkish: %s: %s\n", o.dir, pk_err_msg());
		return 1;
	}
	for (i = 0; i < 40; i++) {
		lockfd = lock_device(o.dir);
		if (lockfd != -1)
			break;
		/* Busy: a device may be starting; its socket answers soon. */
		if ((o.ncmds || o.file) && (rc = run_client(&o, sock)) >= 0)
			return rc;
		{
			struct timespec ts = { 0, 50 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	if (lockfd < 0) {
		fprintf(stderr, "%% Device %s is already running (use --attach or -c)\n", o.dir);
		return 1;
	}
	rc = 0;   /* no device answered the client attempts above */

	if (o.daemon) {
		pid_t pid;
		if (pipe(ready) < 0) {
			perror("pkish: pipe");
			return 1;
		}
		pid = fork();
		if (pid < 0) {
			perror("pkish: fork");
			return 1;
		}
		if (pid > 0) {
			char c = 0;
			close(ready[1]);
			/* Return once the device answers on its socket. */
			if (read(ready[0], &c, 1) != 1 || c != 'R') {
				fprintf(stderr, "pkish: the device in %s failed to start\n", o.dir);
				return 1;
			}
			return 0;
		}
		close(ready[0]);
		setsid();
		write_pid(lockfd);   /* the daemon's pid, not the parent's */
		{
			int nul = open("/dev/null", O_RDWR);
			char logp[4300];
			int lf;
			snprintf(logp, sizeof logp, "%s/daemon.log", o.dir);
			lf = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
			dup2(nul, STDIN_FILENO);
			dup2(nul, STDOUT_FILENO);
			dup2(lf >= 0 ? lf : nul, STDERR_FILENO);
			if (nul > 2)
				close(nul);
			if (lf > 2)
				close(lf);
		}
	}

	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("pkish: pipe");
		return 1;
	}
	if (pk_device_open(o.dir, o.frozen, &dev) < 0) {
		fprintf(stderr, "pkish: %s\n", pk_err_msg());
		return 1;
	}
	cli_init(dev);
	if (pkish_services_init(dev, o.http_bind) < 0) {
		fprintf(stderr, "pkish: %s\n", pk_err_msg());
		pk_device_free(dev);
		return 1;
	}

	block_signals(&oldmask);
	pk_device_start_timer_thread(dev);
	if (!o.ncmds && !o.file) {
		unlink(sock);   /* a stale socket of a killed device */
		if (vty_listen(dev, sock) < 0) {
			fprintf(stderr, "pkish: %s: %s\n", sock, pk_err_msg());
			if (ready[1] >= 0)
				(void)!write(ready[1], "F", 1);
			rc = 1;
			goto out;
		}
	}
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);

	memset(&b, 0, sizeof b);
	b.in = stdin;
	b.out = stdout;
	b.echo = o.echo;

	if (o.daemon) {
		s = cli_sess_new(dev, &discard_io, NULL, "console", CLI_S_QUIET_LOGS);
		cli_set_priv(s, 1);
		cli_boot(s);
		(void)!write(ready[1], "R", 1);
		close(ready[1]);
		while (!pkish_stopping()) {
			char c;
			struct timespec ts = { 0, 200 * 1000000L };
			if (read(stop_pipe[0], &c, 1) > 0)
				break;
			nanosleep(&ts, NULL);
		}
	} else if (o.ncmds || o.file) {
		s = cli_sess_new(dev, &batch_io, &b, "console", CLI_S_CONSOLE |
				 (o.echo ? CLI_S_ECHO : 0));
		cli_set_priv(s, 1);
		cli_boot(s);
		cli_flush_async(s);
		if (o.file) {
			if (run_file_local(s, &b, o.file) < 0)
				rc = 2;
		} else {
			for (i = 0; i < o.ncmds && !cli_done(s) && !pkish_stopping(); i++)
				batch_run_line(s, &b, o.cmds[i]);
		}
		if (cli_failed(s) && rc == 0)
			rc = 1;
	} else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && !o.batch) {
		if (pipe2(tl.wake_fd, O_CLOEXEC | O_NONBLOCK) < 0) {
			perror("pkish: pipe");
			rc = 1;
			goto out;
		}
		interactive_console = 1;
		s = cli_sess_new(dev, &term_io, &tl, "console", CLI_S_CONSOLE | CLI_S_INTERACTIVE);
		cli_set_term_len(s, cli_line_length(0));
		cli_boot(s);
		printf("\npkish %s: IOS PKI simulator on device %s. Type ? for help.\n\n",
		       PACKAGE_VERSION, o.dir);
		fflush(stdout);
		term_run_local(s, &tl);
		if (!pkish_stopping())
			printf("\n");
	} else {
		s = cli_sess_new(dev, &batch_io, &b, "console", CLI_S_CONSOLE |
				 (o.echo ? CLI_S_ECHO : 0));
		cli_boot(s);
		cli_flush_async(s);
		fflush(stdout);
		batch_run(s, &b);
		if (cli_failed(s))
			rc = 1;
	}
	if (s)
		cli_flush_async(s);
	fflush(stdout);
out:
	vty_shutdown();
	if (!o.ncmds && !o.file)
		unlink(sock);
	pkish_services_stop(dev);
	cli_sess_free(s);
	pk_device_free(dev);
	if (tl.wake_fd[0] >= 0) {
		close(tl.wake_fd[0]);
		close(tl.wake_fd[1]);
	}
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	if (lockfd >= 0)
		close(lockfd);
	free(o.cmds);
	return rc;
}
