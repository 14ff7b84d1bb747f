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
 *                                  on the device running in DIR, or on one
 *                                  started for the call, which then saves
 *                                  what the call configured
 *   pkish -d DIR --attach          interactive session on the running device
 *   pkish -d DIR --stop            stop the running device
 *
 * Options: --echo (batch output reads like a console log), --frozen-clock
 * (the clock moves only with `clock set`), --batch (no line editing even
 * on a terminal), --http-bind ADDR (where `ip http server` listens:
 * 127.0.0.1 without it, for every device, the one -c/-f starts too),
 * -x/--script and --config (what -f FILE is, instead of the rule in
 * pkish_looks_like_config).
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
#include "scep/scep.h"

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
		"       pkish -d DIR -f FILE [--script | --config]\n"
		"       pkish -d DIR --attach | --stop\n"
		"options:\n"
		"  -d, --device DIR     device directory (default $PKISH_DEVICE or ./pkish-device)\n"
		"  -c, --command CMD    run CMD in privileged EXEC (repeatable)\n"
		"  -f, --file FILE      replay FILE: a configuration, or a script of EXEC\n"
		"                       commands when its first command is one (show ...)\n"
		"  -x, --script         -f FILE is a script of EXEC commands\n"
		"      --config         -f FILE is a configuration\n"
		"      --daemon         run the device in the background\n"
		"      --attach         interactive session on the running device\n"
		"      --stop           stop the running device cleanly\n"
		"      --echo           batch: print prompt + command before its output\n"
		"      --frozen-clock   the clock moves only with 'clock set'\n"
		"      --batch          read commands without line editing\n"
		"      --http-bind ADDR IPv4 address the HTTP server listens on (default 127.0.0.1;\n"
		"                       0.0.0.0: every address)\n"
		"  -h, --help           this text\n"
		"  -V, --version        version\n");
}

struct opts {
	const char *dir;
	char **cmds;
	int ncmds;
	const char *file;
	int script, config;
	int echo, frozen, daemon, attach, stop, batch;
	const char *http_bind;
};

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "command", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "script", no_argument, NULL, 'x' },
		{ "config", no_argument, NULL, 'C' },
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
	while ((c = getopt_long(argc, argv, "d:c:f:xhV", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'c': o->cmds[o->ncmds++] = optarg; break;
		case 'f': o->file = optarg; break;
		case 'x': o->script = 1; break;
		case 'C': o->config = 1; break;
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
	if (o->http_bind && scep_http_bind_check(o->http_bind) < 0) {
		fprintf(stderr, "pkish: --http-bind: %s\n", pk_err_msg());
		return -1;
	}
	if (!o->dir)
		o->dir = getenv("PKISH_DEVICE");
	if (!o->dir || !*o->dir)
		o->dir = "pkish-device";
	if ((o->attach + o->stop + o->daemon) > 1 ||
	    ((o->attach || o->stop || o->daemon) && (o->ncmds || o->file)) ||
	    (o->ncmds && o->file) || (o->script && o->config) ||
	    ((o->script || o->config) && !o->file)) {
		fprintf(stderr, "pkish: conflicting options\n");
		return -1;
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

/* The device in DIR belongs to someone else (issue 10): its directory,
 * lock or socket cannot be opened by this user.  Said as such, never as
 * "already running" or "no device is running". */
static int no_permission(int err)
{
	return err == EACCES || err == EPERM;
}

static void say_no_permission(const char *dir, int err)
{
	fprintf(stderr, "%% Cannot open device %s: %s\n", dir, strerror(err));
}

/* The lock fd; -1 when another device holds it; -2 (errno set) when the
 * lock file cannot be opened (a read-only directory, no permission). */
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

static int discard_ask(void *arg, const char *q, int hidden, char *buf, size_t n)
{
	(void)arg; (void)q; (void)hidden;
	buf[0] = '\0';
	return -1;
}

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

/* -f FILE as read and prepared once (pkish_read_file, pkish_prepare_text). */
struct ffile {
	char *text;
	size_t len;
	int config;       /* a configuration, not a script */
	int nul;          /* lines dropped for a NUL byte (reported already) */
};

static int run_client(const struct opts *o, const char *sock, const struct ffile *ff)
{
	int fd = vty_connect(sock), rc;

	if (fd < 0)
		return -1;
	if (o->ncmds) {
		rc = vty_client_commands(fd, o->cmds, o->ncmds, o->echo);
	} else {
		FILE *f = fmemopen(ff->text, ff->len, "r");
		if (!f) {
			fprintf(stderr, "pkish: %s: %s\n", o->file, strerror(errno));
			close(fd);
			return 2;
		}
		rc = vty_client_file(fd, f, o->file, o->echo, ff->config);
		fclose(f);
		if (rc >= 0 && ff->nul)
			rc = 1;
	}
	close(fd);
	return rc;
}

static int run_file_local(cli_sess *s, struct batch *b, const char *file, const struct ffile *ff)
{
	FILE *f;

	if (ff->config) {
		cli_replay_buf(s, file, ff->text, ff->len, NULL);
		cli_flush_async(s);
		return 0;
	}
	f = fmemopen(ff->text, ff->len, "r");
	if (!f) {
		fprintf(stderr, "pkish: %s: %s\n", file, strerror(errno));
		return -1;
	}
	b->in = f;
	b->name = file;
	batch_run(s, b);
	b->in = stdin;
	b->name = NULL;
	fclose(f);
	return 0;
}

/* Did nvram:startup-config exist (when the device booted, now)? */
static int startup_exists(cli_sess *s)
{
	char path[4200];

	return pk_device_path(cli_dev(s), "nvram:startup-config", path, sizeof path) == 0 &&
	       access(path, F_OK) == 0;
}

/* A device started for -c or -f stops when the call ends.  What the call
 * configured is saved to nvram:startup-config (said on stderr), so that
 * the keys and certificate server files its commands made never outlive
 * the configuration that made them — unless saving would lose something:
 * a startup-config that had errors at boot is not overwritten, and one the
 * call erased stays erased.  Returns 1 when a change was not kept. */
static int keep_config(cli_sess *s, const char *dir, int existed)
{
	pk_device *d = cli_dev(s);
	unsigned damaged;
	int modified, rc;

	pk_device_lock(d);
	modified = pk_device_modified(d);
	damaged = pk_device_config_damaged(d);
	pk_device_unlock(d);
	if (!modified)
		return 0;
	if (existed && !startup_exists(s)) {
		fprintf(stderr, "pkish: the configuration was not saved: this call erased "
			"nvram:startup-config\n");
		return 0;
	}
	if (damaged) {
		fprintf(stderr, "pkish: the configuration was NOT saved: nvram:startup-config had errors "
			"at boot (above) and would be overwritten; 'write memory' replaces it\n");
		return 1;
	}
	pk_device_lock(d);
	rc = cli_save_config(s);
	pk_device_unlock(d);
	if (rc < 0) {
		fprintf(stderr, "pkish: the configuration was NOT saved: %s\n", pk_err_msg());
		return 1;
	}
	fprintf(stderr, "pkish: no device was running in %s: its configuration was saved to "
		"nvram:startup-config\n", dir);
	return 0;
}

/* The daemon's boot: what goes wrong is written to DIR/daemon.log (its
 * stderr) and handed to the `pkish --daemon` that started it. */
struct bootlog {
	char *buf;
	size_t len, cap;
};

static void bootlog_add(struct bootlog *bl, const char *buf, size_t n)
{
	if (bl->len + n > 65536)
		return;
	if (bl->len + n > bl->cap) {
		size_t cap = bl->cap ? bl->cap * 2 : 4096;
		char *nb;
		while (cap < bl->len + n)
			cap *= 2;
		nb = realloc(bl->buf, cap);
		if (!nb)
			return;
		bl->buf = nb;
		bl->cap = cap;
	}
	memcpy(bl->buf + bl->len, buf, n);
	bl->len += n;
}

static void bootlog_write(void *arg, const char *buf, size_t n)
{
	fwrite(buf, 1, n, stderr);
	fflush(stderr);
	bootlog_add(arg, buf, n);
}

static const struct cli_io boot_io = {
	.write = bootlog_write, .ask = discard_ask,
};

/* After the boot: the kept %PARSER messages too, and one line to say it. */
static void bootlog_finish(struct bootlog *bl, const char *dir)
{
	char *kept, line[4400];
	unsigned long n = pk_log_kept_total();
	int len;

	if (!n)
		return;
	kept = pk_log_kept_dump();
	if (kept)
		bootlog_write(bl, kept, strlen(kept));
	free(kept);
	len = snprintf(line, sizeof line, "%% The device in %s booted with %lu error%s in "
		       "nvram:startup-config (show logging lists them)\n", dir, n, n == 1 ? "" : "s");
	bootlog_write(bl, line, (size_t)len);
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
	struct bootlog bl = { NULL, 0, 0 };
	static struct ffile ff;   /* static: like o, lives to the end */
	struct stat st;
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
			if (no_permission(errno))
				say_no_permission(o.dir, errno);
			else
				fprintf(stderr, "%% No device is running in %s\n", o.dir);
			return 1;
		}
		rc = o.stop ? vty_client_stop(fd) : vty_client_attach(fd);
		close(fd);
		return rc;
	}

	/* -f: the file is read once, whichever device replays it. */
	if (o.file) {
		if (pkish_read_file(o.file, &ff.text, &ff.len) < 0)
			return 2;
		ff.nul = pkish_prepare_text(ff.text, &ff.len, o.file, stdout);
		fflush(stdout);
		ff.config = o.script ? 0 : o.config ? 1 : pkish_looks_like_config(ff.text);
	}

	/* -c / -f go to the device running in DIR when there is one. */
	if (o.ncmds || o.file) {
		rc = run_client(&o, sock, &ff);
		if (rc >= 0)
			goto client_done;
	}

	if (pk_store_mkdirs(o.dir, 0700) < 0) {
		fprintf(stderr, "pkish: %s\n", pk_err_msg());   /* it names the path */
		rc = 1;
		goto client_done;
	}
	if (stat(o.dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "pkish: %s: %s\n", o.dir, strerror(ENOTDIR));
		rc = 1;
		goto client_done;
	}
	for (i = 0; i < 40; i++) {
		lockfd = lock_device(o.dir);
		if (lockfd != -1)
			break;
		/* Busy: a device may be starting; its socket answers soon. */
		if ((o.ncmds || o.file) && (rc = run_client(&o, sock, &ff)) >= 0)
			goto client_done;
		{
			struct timespec ts = { 0, 50 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	if (lockfd == -2 && no_permission(errno)) {
		/* another user's device (running or not) */
		say_no_permission(o.dir, errno);
		rc = 1;
		goto client_done;
	}
	if (lockfd == -2) {
		/* not "already running": the directory cannot hold a device */
		fprintf(stderr, "pkish: %s: cannot lock the device: %s\n", o.dir, strerror(errno));
		rc = 1;
		goto client_done;
	}
	if (lockfd < 0) {
		fprintf(stderr, "%% Device %s is already running (use --attach or -c)\n", o.dir);
		rc = 1;
		goto client_done;
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
			char c = 0, buf[4096];
			ssize_t n;
			close(ready[1]);
			/* Return once the device answers on its socket, after
			 * showing what went wrong at its boot. */
			if (read(ready[0], &c, 1) != 1 || c != 'R') {
				fprintf(stderr, "pkish: the device in %s failed to start\n", o.dir);
				return 1;
			}
			while ((n = read(ready[0], buf, sizeof buf)) > 0)
				if (fwrite(buf, 1, (size_t)n, stderr) != (size_t)n)
					break;
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
		size_t off;
		s = cli_sess_new(dev, &boot_io, &bl, "console", CLI_S_QUIET_LOGS);
		cli_set_priv(s, 1);
		cli_boot(s);
		bootlog_finish(&bl, o.dir);
		(void)!write(ready[1], "R", 1);
		for (off = 0; off < bl.len; ) {
			ssize_t w = write(ready[1], bl.buf + off, bl.len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
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
		int existed;
		cli_set_priv(s, 1);
		cli_boot(s);
		cli_flush_async(s);
		fflush(stdout);
		existed = startup_exists(s);
		if (o.file && pk_device_config_damaged(dev)) {
			/* its replay would have to be saved over the damage */
			fprintf(stderr, "pkish: %s not replayed: nvram:startup-config has errors (above) "
				"that saving the replay would overwrite; replay it on a running device "
				"(--daemon), or replace startup-config ('write memory')\n", o.file);
			rc = 1;
		} else {
			if (o.file) {
				if (run_file_local(s, &b, o.file, &ff) < 0)
					rc = 2;
			} else {
				for (i = 0; i < o.ncmds && !cli_done(s) && !pkish_stopping(); i++)
					batch_run_line(s, &b, o.cmds[i]);
			}
			cli_flush_async(s);
			fflush(stdout);
			if (keep_config(s, o.dir, existed) && rc == 0)
				rc = 1;
		}
		if ((cli_failed(s) || ff.nul) && rc == 0)
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
		do
			term_run_local(s, &tl);
		while (!pkish_stopping() && cli_console_leaving(s));
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
	free(bl.buf);
client_done:
	free(ff.text);
	free(o.cmds);
	return rc;
}
