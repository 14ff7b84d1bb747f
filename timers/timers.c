/*
 * timers.c — the timer queue and `show crypto pki timers` rendering
 * (contract: timers.h, spec §3.1, §5.7).
 *
 * A binary min-heap of pointers to timers embedded in their owners, ordered
 * by (deadline, seq); seq comes from a queue-wide counter bumped by every
 * tmr_start, so equal deadlines fire in arming order and a re-armed timer
 * goes behind the ones already waiting for the same instant.  Each timer
 * knows its heap slot (idx), so stop and re-arm are O(log n).
 *
 * A timer belongs to at most one queue at a time.  Running out of memory
 * while arming aborts (the API has no way to report it); tmr_render returns
 * NULL in that case.
 */
#include "timers/timers.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_CAP 10000000u

struct tmr_queue {
	tmr_clock *clock;
	tmr **heap;
	size_t n, cap;
	uint64_t seq;
	int running;            /* tmr_run nesting depth */
	tmr_ms until;           /* target of the innermost run */
};

static const char *const group_names[TMR_G__MAX] = {
	[TMR_G_PKI] = "PKI Timers",
	[TMR_G_EXPIRY] = "Expiry Alert Timers",
	[TMR_G_CRL] = "CRL Timers",
	[TMR_G_TRUSTPOOL] = "Trustpool Timers",
	[TMR_G_CS] = "CS Timers",
};

tmr_queue *tmr_queue_new(tmr_clock *c)
{
	tmr_queue *q = calloc(1, sizeof *q);

	if (q)
		q->clock = c;
	return q;
}

/* Timers still armed are left marked as unarmed so their owners may free
 * or re-init them safely. */
void tmr_queue_free(tmr_queue *q)
{
	size_t i;

	if (!q)
		return;
	for (i = 0; i < q->n; i++)
		q->heap[i]->idx = -1;
	free(q->heap);
	free(q);
}

tmr_clock *tmr_queue_clock(const tmr_queue *q)
{
	return q->clock;
}

void tmr_init(tmr *t, enum tmr_group g, const char *label, tmr_cb cb, void *arg)
{
	memset(t, 0, sizeof *t);
	t->idx = -1;
	t->group = g;
	t->cb = cb;
	t->arg = arg;
	tmr_set_label(t, label);
}

/* Labels longer than 63 characters are cut. */
void tmr_set_label(tmr *t, const char *label)
{
	size_t len = label ? strnlen(label, sizeof t->label - 1) : 0;

	if (len)
		memcpy(t->label, label, len);
	t->label[len] = '\0';
}

/* ---- heap ---------------------------------------------------------------- */

static int before(const tmr *a, const tmr *b)
{
	return a->deadline < b->deadline ||
	       (a->deadline == b->deadline && a->seq < b->seq);
}

static void place(tmr_queue *q, size_t i, tmr *t)
{
	q->heap[i] = t;
	t->idx = (long)i;
}

static void sift_up(tmr_queue *q, size_t i)
{
	tmr *t = q->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!before(t, q->heap[parent]))
			break;
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, t);
}

static void sift_down(tmr_queue *q, size_t i)
{
	tmr *t = q->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= q->n)
			break;
		if (c + 1 < q->n && before(q->heap[c + 1], q->heap[c]))
			c++;
		if (!before(q->heap[c], t))
			break;
		place(q, i, q->heap[c]);
		i = c;
	}
	place(q, i, t);
}

/* Take slot i out of the heap; the timer is left disarmed. */
static void remove_at(tmr_queue *q, size_t i)
{
	tmr *t = q->heap[i];
	tmr *last = q->heap[--q->n];

	t->idx = -1;
	if (i == q->n)
		return;
	place(q, i, last);
	if (i > 0 && before(last, q->heap[(i - 1) / 2]))
		sift_up(q, i);
	else
		sift_down(q, i);
}

void tmr_start(tmr_queue *q, tmr *t, tmr_ms deadline)
{
	t->deadline = deadline;
	t->seq = ++q->seq;
	if (t->idx >= 0) {
		size_t i = (size_t)t->idx;

		assert(i < q->n && q->heap[i] == t);
		/* a new seq makes it later than before on ties: up or down */
		sift_up(q, i);
		sift_down(q, (size_t)t->idx);
		return;
	}
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		tmr **h = realloc(q->heap, cap * sizeof *h);

		if (!h) {
			fputs("pkish: out of memory arming a timer\n", stderr);
			abort();
		}
		q->heap = h;
		q->cap = cap;
	}
	place(q, q->n, t);
	q->n++;
	sift_up(q, q->n - 1);
}

void tmr_stop(tmr_queue *q, tmr *t)
{
	if (t->idx < 0)
		return;
	assert((size_t)t->idx < q->n && q->heap[t->idx] == t);
	remove_at(q, (size_t)t->idx);
}

int tmr_armed(const tmr *t)
{
	return t->idx >= 0;
}

tmr_ms tmr_deadline(const tmr *t)
{
	return t->idx >= 0 ? t->deadline : TMR_NEVER;
}

tmr_ms tmr_next(const tmr_queue *q)
{
	return q->n ? q->heap[0]->deadline : TMR_NEVER;
}

size_t tmr_count(const tmr_queue *q)
{
	return q->n;
}

/* ---- running ------------------------------------------------------------- */

/* The clock's virtual now is saved on entry and restored on exit, so a run
 * nested in a callback (of this queue or another one on the same clock)
 * hands the outer callback back the time it had. */
size_t tmr_run(tmr_queue *q, tmr_ms until)
{
	tmr_ms t0 = tmr_clock_now(q->clock);
	tmr_ms saved_virt = tmr_clock_get_virtual(q->clock);
	tmr_ms saved_until = q->until;
	size_t fired = 0;

	q->running++;
	q->until = until;
	while (q->n && q->heap[0]->deadline <= until && fired < RUN_CAP) {
		tmr *t = q->heap[0];
		tmr_ms v = t->deadline > t0 ? t->deadline : t0;

		remove_at(q, 0);
		/* TMR_NEVER would mean "no virtual now" */
		tmr_clock_set_virtual(q->clock, v == TMR_NEVER ? TMR_NEVER - 1 : v);
		fired++;
		if (t->cb)
			t->cb(t, t->arg);
	}
	tmr_clock_set_virtual(q->clock, saved_virt);
	q->until = saved_until;
	q->running--;
	return fired;
}

tmr_ms tmr_run_target(const tmr_queue *q)
{
	return q->running ? q->until : tmr_clock_now(q->clock);
}

/* ---- rendering ----------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		r = vsnprintf(b->p + b->len, room, fmt, ap);
		va_end(ap);
		if (r < 0) {
			b->oom = 1;
			return;
		}
		if ((size_t)r < room) {
			b->len += (size_t)r;
			return;
		}
		{
			size_t cap = b->cap * 2 > b->len + (size_t)r + 1 ?
			             b->cap * 2 : b->len + (size_t)r + 1;
			char *p = realloc(b->p, cap);

			if (!p) {
				b->oom = 1;
				return;
			}
			b->p = p;
			b->cap = cap;
		}
	}
}

struct row {
	const tmr *t;
	tmr_ms rem;
};

static int row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;

	if (a->t->group != b->t->group)
		return a->t->group < b->t->group ? -1 : 1;
	if (a->rem != b->rem)
		return a->rem < b->rem ? -1 : 1;
	return a->t->seq < b->t->seq ? -1 : a->t->seq > b->t->seq;
}

/* deadline − now, clamped to [0, TMR_NEVER] without overflow. */
static tmr_ms remaining(tmr_ms deadline, tmr_ms now)
{
	if (deadline <= now)
		return 0;
	if (now < 0 && deadline > TMR_NEVER + now)
		return TMR_NEVER;
	return deadline - now;
}

/* Per group: a label-less line for the soonest timer, then every timer by
 * ascending remaining time (ties: arming order).  Spec §5.7. */
char *tmr_render(const tmr_queue *q, tmr_ms now, int detail)
{
	struct sbuf b = { .p = malloc(256), .cap = 256 };
	struct row *rows;
	size_t i;

	if (!b.p)
		return NULL;
	b.p[0] = '\0';
	if (q->n == 0)
		return b.p;
	rows = malloc(q->n * sizeof *rows);
	if (!rows) {
		free(b.p);
		return NULL;
	}
	for (i = 0; i < q->n; i++) {
		rows[i].t = q->heap[i];
		rows[i].rem = remaining(q->heap[i]->deadline, now);
	}
	qsort(rows, q->n, sizeof *rows, row_cmp);
	for (i = 0; i < q->n; i++) {
		const tmr *t = rows[i].t;
		char dur[32], iso[32];
		int first = i == 0 || rows[i - 1].t->group != t->group;

		tmr_fmt_duration(rows[i].rem, dur, sizeof dur);
		tmr_fmt_iso(t->deadline, iso, sizeof iso);
		if (first) {
			unsigned g = (unsigned)t->group;

			sb_printf(&b, "%s\n", g < TMR_G__MAX ? group_names[g] : "Timers");
			if (detail)
				sb_printf(&b, "|%16s  (%s)\n", dur, iso);
			else
				sb_printf(&b, "|%16s\n", dur);
		}
		if (detail)
			sb_printf(&b, "  |%16s  (%s) %s\n", dur, iso, t->label);
		else
			sb_printf(&b, "|%16s  %s\n", dur, t->label);
	}
	free(rows);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
