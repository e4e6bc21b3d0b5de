/* reader.c - one time-ordered record stream from many entries.
 *
 * Each entry (file, archive member, stdin) is a source with its own parser
 * and a reorder buffer: a FIFO for records that arrive in time order (O(1),
 * the common case) and a min-heap for the ones that arrive late.  A source
 * keeps `window` records buffered (all of them, for series-ordered formats
 * and stdin archives) so a late record within the window still comes out in
 * order.  A k-way merge over the sources' heads (ties: earlier entry first,
 * then input order) yields the stream.  Memory: O(entries x window), capped
 * by max_buffer records in all.  A source read whole (an unordered format,
 * an archive on stdin) sorts in bounded memory: every AIOPS_MAX_RUN units
 * it holds are sorted and written to an unlinked temporary file (the
 * aiops_obs_queue of formats/obs.h), and at its end it is read back by
 * merging those runs. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/array.h"
#include "common/buf.h"
#include "common/limits.h"
#include "formats/obs.h"
#include "input/input.h"

typedef struct item {
    aiops_record r;
    uint64_t seq;
    long line;                  /* where it came from, for messages downstream */
    double arrived;             /* live sources: when it was read (monotonic clock) */
} item;

typedef struct source {
    aiops_entry *entry;
    aiops_stream *st;
    const aiops_format *fmt;
    void *pstate;
    aiops_parse_ctx ctx;
    int eof, buffer_all;
    int live;                   /* read as records arrive (aiops_reader_opts.follow) */
    double delay;               /* live: the longest a record is held, seconds */
    /* FIFO ring of in-order records; rcap is a power of two */
    item *ring;
    size_t rcap, rhead, rlen;
    /* heap of late records */
    item *heap;
    size_t hlen, hcap;
    uint64_t seq;
    size_t units;               /* weight of the records in ring and heap */
    size_t run_units;           /* read whole: spill a run at this many units */
    aiops_obs_queue q;          /* read whole: sorted runs spilled so far */
    int spilled;                /* at its end with runs: records come from q */
    int qhas;                   /* spilled: qhead holds its next record */
    item qhead;
    long last_line;             /* line of the last record read (for messages) */
    long last_bad_line;         /* skip_bad: line of the last skipped record */
} source;

struct aiops_reader {
    aiops_series_table *tab;
    aiops_reader_opts o;
    aiops_entry *entries;
    size_t nentries;
    source *src;
    size_t nsrc;
    size_t *mh;                 /* merge heap of source indexes */
    size_t mlen;
    size_t *pending;            /* sources not opened yet, by first_ts */
    size_t npending, next_pending;
    size_t nactive;             /* sources open now (<= max_open) */
    aiops_stream **idle;        /* archive handles of finished members, for reuse */
    size_t nidle;
    size_t buffered;
    double last_out;
    int started, have_out;
    int refill;                 /* mh[0] gave a record and is read on at the next call */
    size_t last_src;            /* source and line of the last record returned */
    long last_line;
    char where[1100];
    uint64_t skipped;           /* --skip-bad count */
    aiops_err first_skip;
    /* Duplicate samples: per series id, the time and value of the last
     * sample returned (bounded by the number of series). */
    struct last_sample { double ts, v; int have; } *last;
    size_t lastcap;
    uint64_t dups, conflicts;
    char conflict_example[600];
    size_t unrecognised;        /* entries no format recognised, skipped */
};

static int item_less(const item *a, const item *b)
{
    return a->r.ts < b->r.ts || (a->r.ts == b->r.ts && a->seq < b->seq);
}

static void heap_up(item *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!item_less(&h[i], &h[p]))
            break;
        item t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static void heap_down(item *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && item_less(&h[l], &h[m]))
            m = l;
        if (l + 1 < n && item_less(&h[l + 1], &h[m]))
            m = l + 1;
        if (m == i)
            return;
        item t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static double now_mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t rec_weight(const aiops_record *r) { return r->obj ? 22 : 1; }

static int src_spill(aiops_reader *rd, source *s, int last, aiops_err *err);

/* Put a record into the source's buffer. */
static int src_push(aiops_reader *rd, source *s, aiops_record *r, aiops_err *err)
{
    if (rd->have_out && r->ts < rd->last_out) {
        char a[40], b[40];
        aiops_fmt_time(r->ts, a);
        aiops_fmt_time(rd->last_out, b);
        if (s->live && rd->o.follow > 0)
            aiops_err_set(err, AIOPS_EORDER, aiops_stream_name(s->st), s->last_line,
                          "record at %s is older than %s, already written: it came more "
                          "than %g s (--follow-delay) or %zu records (--reorder-window) "
                          "after later ones", a, b, s->delay, rd->o.reorder_window);
        else if (s->live)
            aiops_err_set(err, AIOPS_EORDER, aiops_stream_name(s->st), s->last_line,
                          "record at %s is older than %s, already written: the input is out "
                          "of time order by more than the reorder window (%zu records, and "
                          "%g s on a pipe); raise --reorder-window or sort the input",
                          a, b, rd->o.reorder_window, s->delay);
        else
            aiops_err_set(err, AIOPS_EORDER, aiops_stream_name(s->st), s->last_line,
                          "record at %s is older than %s, already written: the input is out "
                          "of time order by more than the reorder window (%zu records); "
                          "raise --reorder-window or sort the input",
                          a, b, rd->o.reorder_window);
        aiops_record_clear(r);
        if (s->live && rd->o.skip_bad) {        /* a live stream goes on: count it */
            if (rd->skipped++ == 0)
                rd->first_skip = *err;
            aiops_err_clear(err);
            return 0;
        }
        return AIOPS_EORDER;
    }
    /* A record with a JSON object weighs far more than a sample: count
     * about 1 KiB for it, so the cap bounds memory, not just records. */
    size_t weight = rec_weight(r);
    if (rd->buffered + weight > rd->o.max_buffer) {
        aiops_err_set(err, AIOPS_ELIMIT, aiops_stream_name(s->st), s->last_line,
                      "the buffer that puts the input in time order is full (%zu units, "
                      "about %zu MiB: a sample is 1 unit, a record with JSON fields 22); "
                      "files that are not in time order, and archives read from stdin, "
                      "are sorted in memory: raise --max-buffer or split the input",
                      rd->o.max_buffer, rd->o.max_buffer * sizeof(item) >> 20);
        aiops_record_clear(r);
        return AIOPS_ELIMIT;
    }
    item it = {*r, s->seq++, s->last_line, s->live ? now_mono() : 0};
    const item *tail = s->rlen ? &s->ring[(s->rhead + s->rlen - 1) & (s->rcap - 1)] : NULL;
    if (!tail || tail->r.ts <= it.r.ts) {
        if (s->rlen == s->rcap) {
            /* Unroll the ring into a bigger array. */
            size_t nc = s->rcap ? s->rcap * 2 : 256;
            item *nr = malloc(nc * sizeof *nr);
            if (!nr)
                goto oom;
            for (size_t i = 0; i < s->rlen; i++)
                nr[i] = s->ring[(s->rhead + i) & (s->rcap - 1)];
            free(s->ring);
            s->ring = nr;
            s->rcap = nc;
            s->rhead = 0;
        }
        s->ring[(s->rhead + s->rlen) & (s->rcap - 1)] = it;
        s->rlen++;
    } else {
        if (AIOPS_GROW(s->heap, s->hcap, s->hlen + 1))
            goto oom;
        s->heap[s->hlen] = it;
        heap_up(s->heap, s->hlen++);
    }
    rd->buffered += weight;
    s->units += weight;
    if (s->buffer_all && !s->live && s->units >= s->run_units)
        return src_spill(rd, s, 0, err);
    return 0;
oom:
    aiops_record_clear(r);
    return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(s->st), s->last_line, "out of memory");
}

static size_t src_len(const source *s)
{
    return s->spilled ? (size_t)s->qhas : s->rlen + s->hlen;
}

/* Move what ring and heap hold into the source's queue: written as a
 * sorted run, or (last, at the end of an entry that has runs) kept in
 * memory, sorted, and the source switched to reading from the queue. */
static int src_spill(aiops_reader *rd, source *s, int last, aiops_err *err)
{
    int rc = 0;
    for (size_t k = 0; k < s->rlen; k++) {
        item *it = &s->ring[(s->rhead + k) & (s->rcap - 1)];
        if (!rc)
            rc = aiops_obs_queue_push_at(&s->q, &it->r, it->seq, it->line);
        else
            aiops_record_clear(&it->r);
    }
    for (size_t k = 0; k < s->hlen; k++) {
        if (!rc)
            rc = aiops_obs_queue_push_at(&s->q, &s->heap[k].r, s->heap[k].seq, s->heap[k].line);
        else
            aiops_record_clear(&s->heap[k].r);
    }
    s->rlen = s->rhead = s->hlen = 0;
    rd->buffered -= s->units;
    s->units = 0;
    if (!rc && !last)
        rc = aiops_obs_queue_spill(&s->q);
    if (!rc && last) {
        aiops_obs_queue_sort(&s->q);
        s->spilled = 1;
    }
    if (rc == AIOPS_ENOMEM || (rc && !s->q.failed.code))
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(s->st), s->last_line,
                             "out of memory");
    if (rc)
        return aiops_err_set(err, s->q.failed.code, aiops_stream_name(s->st), s->last_line,
                             "%s", s->q.failed.msg);
    return 0;
}

static const item *src_head(const source *s)
{
    if (s->spilled)
        return s->qhas ? &s->qhead : NULL;
    const item *a = s->rlen ? &s->ring[s->rhead] : NULL;
    const item *b = s->hlen ? &s->heap[0] : NULL;
    if (!a)
        return b;
    if (!b)
        return a;
    return item_less(b, a) ? b : a;
}

static void src_pop(aiops_reader *rd, source *s, aiops_record *out)
{
    const item *h = src_head(s);
    *out = h->r;
    rd->last_line = h->line;
    if (s->spilled) {                   /* the next one is read by src_fill */
        s->qhas = 0;
        return;
    }
    rd->buffered -= rec_weight(&h->r);
    s->units -= rec_weight(&h->r);
    if (s->rlen && h == &s->ring[s->rhead]) {
        s->rhead = (s->rhead + 1) & (s->rcap - 1);
        s->rlen--;
    } else {
        s->heap[0] = s->heap[--s->hlen];
        heap_down(s->heap, s->hlen, 0);
    }
}

static int format_allowed(const aiops_reader *rd, const aiops_format *f)
{
    if (!rd->o.allowed)
        return 1;
    for (size_t i = 0; rd->o.allowed[i]; i++)
        if (aiops_format_find(rd->o.allowed[i]) == f)
            return 1;
    return 0;
}

/* The format of a stream's current entry: forced, or detected among the
 * allowed ones.  Returns 0, 1 when the entry is empty, or <0. */
static int choose_format(const aiops_reader *rd, aiops_stream *st, const aiops_format **out,
                         aiops_err *err)
{
    const char *head;
    size_t n;
    int rc = aiops_stream_peek(st, &head, &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return 1;
    const aiops_format *f = NULL;
    if (rd->o.force_format) {
        f = aiops_format_find(rd->o.force_format);
        if (!f)
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "unknown input format '%s'",
                                 rd->o.force_format);
    } else {
        f = aiops_format_detect(aiops_stream_entry(st), head, n);
        /* --map names the columns of a table: a delimited file that is no
         * ClickHouse export (the metrics CSV reader would take it, or
         * nothing would) is read by the generic table reader. */
        if (rd->o.column_map && (!f || !strcmp(f->name, "csv")))
            f = aiops_format_find("table");
        if (f && !format_allowed(rd, f))
            f = NULL;
    }
    if (!f)
        return aiops_err_set(err, AIOPS_EFORMAT, aiops_stream_name(st), 1,
                             "expected a known input format; cannot tell what this is "
                             "(use --input-format)");
    *out = f;
    return 0;
}

static void set_ctx(const aiops_reader *rd, aiops_parse_ctx *ctx, aiops_stream *st)
{
    ctx->stream = st;
    ctx->series = rd->tab;
    ctx->service = rd->o.service;
    ctx->column_map = rd->o.column_map;
    ctx->name = rd->o.name;
    ctx->scrape_time = rd->o.scrape_time;
    ctx->warn = rd->o.warn;
    ctx->warn_ctx = rd->o.warn_ctx;
    ctx->raw_text = rd->o.raw_text;
}

static void reader_warn(const aiops_reader *rd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void reader_warn(const aiops_reader *rd, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    if (!rd->o.warn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rd->o.warn(rd->o.warn_ctx, msg);
}

/* aiops-simulate's scenario file, which its archives carry beside the data
 * (scenario.json: the scenario as given, a JSON object with "services"):
 * no input format reads it, and it holds no records, so it is skipped
 * without a warning, also with --strict (nothing is lost).  1 if the
 * stream's entry is one. */
static int sim_scenario(aiops_stream *st)
{
    const char *name = aiops_stream_entry(st), *head;
    const char *base = strrchr(name, '/');
    size_t n;
    aiops_err e = {0};
    if (strcmp(base ? base + 1 : name, "scenario.json") || aiops_stream_peek(st, &head, &n, &e))
        return 0;
    size_t i = 0;
    while (i < n && strchr(" \t\r\n", head[i]))
        i++;
    if (i == n || head[i] != '{')
        return 0;
    static const char key[] = "\"services\"";
    for (; i + sizeof key - 1 <= n; i++)
        if (!memcmp(head + i, key, sizeof key - 1))
            return 1;
    return 0;
}

static int entry_sim_scenario(aiops_reader *rd, const aiops_entry *e)
{
    const char *name = e->member ? e->member : e->path;
    const char *base = strrchr(name, '/');
    aiops_stream *st = NULL;
    aiops_err e2 = {0};
    if (strcmp(base ? base + 1 : name, "scenario.json") ||
        aiops_stream_open_entry(e, rd->o.max_line, rd->o.max_doc, &st, &e2))
        return 0;
    int yes = sim_scenario(st);
    aiops_stream_free(st);
    return yes;
}

/* Detect the format of the stream's current entry and open its parser.
 * Returns 0, or 1 when the entry is empty (nothing to parse). */
static int src_start_parser(aiops_reader *rd, source *s, aiops_err *err)
{
    const aiops_format *f = NULL;
    int rc = choose_format(rd, s->st, &f, err);
    if (rc)
        return rc;
    s->fmt = f;
    set_ctx(rd, &s->ctx, s->st);
    s->buffer_all = !f->ordered || aiops_stream_is_chain(s->st);
    s->run_units = (size_t)aiops_limit(AIOPS_LIM_RUN);
    /* Live: followed, or a pipe on stdin carrying the record stream (in
     * time order, as every tool writes it).  A format read whole is not. */
    s->live = aiops_stream_live(s->st) && !s->buffer_all &&
              (rd->o.follow > 0 || !strcmp(f->name, "stream"));
    s->delay = rd->o.follow > 0 ? rd->o.follow : AIOPS_LIVE_DELAY;
    rc = f->open(&s->pstate, &s->ctx, err);
    if (rc) {                   /* a failed open owns nothing */
        s->fmt = NULL;
        s->pstate = NULL;
    }
    return rc;
}

static void src_close_parser(source *s)
{
    if (s->fmt && s->pstate)
        s->fmt->close(s->pstate);
    s->pstate = NULL;
    s->fmt = NULL;
}

/* --skip-bad: count the error and go on.  A parser that made progress (its
 * line number moved) goes on with the next record; one that did not (a
 * whole-document format, or a line over the cap) gives up the rest of the
 * entry, which is counted too.  Returns 0, or a negative code to stop. */
static int skip_bad(aiops_reader *rd, source *s, aiops_err *err)
{
    if (rd->skipped++ == 0)
        rd->first_skip = *err;
    long line = aiops_stream_lineno(s->st);
    if (s->ctx.resumable || line > s->last_bad_line) {
        s->last_bad_line = line;
        aiops_err_clear(err);
        return 0;
    }
    src_close_parser(s);
    int more = aiops_stream_next_member(s->st, err);   /* stdin archives go on */
    if (more < 0)
        return more;
    if (more == 1) {
        aiops_err_clear(err);
        return 0;
    }
    s->eof = 1;
    aiops_err_clear(err);
    return 0;
}

/* Read one record from the source into its buffer; sets eof at the end. */
static int src_read_one(aiops_reader *rd, source *s, aiops_err *err)
{
    for (;;) {
        if (!s->fmt) {
            int rc = src_start_parser(rd, s, err);
            if (rc == AIOPS_EFORMAT && aiops_stream_is_chain(s->st) && !rd->o.force_format &&
                sim_scenario(s->st)) {
                aiops_err_clear(err);
                rc = 1;         /* not data: as an empty member */
            }
            if (rc == AIOPS_EFORMAT && aiops_stream_is_chain(s->st) && !rd->o.strict &&
                !rd->o.force_format) {
                /* a member of an archive on stdin, seen only now */
                reader_warn(rd, "%s: skipped: no input format recognises it",
                            aiops_stream_name(s->st));
                rd->unrecognised++;
                aiops_err_clear(err);
                rc = 1;         /* as an empty member: go on with the next */
            }
            if (rc < 0 && rd->o.skip_bad && (rc == AIOPS_EPARSE || rc == AIOPS_ELIMIT)) {
                /* A whole-document format that fails at open: skip the entry. */
                s->last_bad_line = LONG_MAX;
                if ((rc = skip_bad(rd, s, err)) == 0 && s->eof)
                    return 0;
                if (rc == 0)
                    continue;
            }
            if (rc < 0)
                return rc;
            if (rc == 1) {                      /* empty entry */
                if (aiops_stream_next_member(s->st, err) == 1)
                    continue;
                s->eof = 1;
                return 0;
            }
        }
        aiops_record r = {0};
        s->ctx.resumable = 0;
        int got = s->fmt->next(s->pstate, &s->ctx, &r, err);
        if (got < 0 && rd->o.skip_bad && (got == AIOPS_EPARSE || got == AIOPS_ELIMIT)) {
            got = skip_bad(rd, s, err);
            if (got == 0 && s->eof)
                return 0;
            if (got == 0)
                continue;
        }
        if (got < 0)
            return got;
        if (got == 1) {
            s->last_line = aiops_stream_lineno(s->st);
            return src_push(rd, s, &r, err);
        }
        src_close_parser(s);
        int more = aiops_stream_next_member(s->st, err);
        if (more < 0)
            return more;
        if (!more) {
            s->eof = 1;
            return 0;
        }
    }
}

/* Before waiting for live input: what was decided so far goes out. */
static void reader_idle(aiops_reader *rd)
{
    aiops_err e2 = {0};
    if (rd->o.flush)
        (void)aiops_writer_flush(rd->o.flush, &e2);     /* a failure shows at the next write */
}

/* Live source: 1 if a record can be read within timeout_ms (-1: waits). */
static int src_ready(source *s, int timeout_ms)
{
    if (s->fmt && s->fmt->pending && s->pstate && s->fmt->pending(s->pstate))
        return 1;
    return aiops_stream_ready(s->st, timeout_ms);
}

/* Live source: read while input is there; stop when the earliest record
 * held has waited its delay (it goes on), or the window is full. */
static int src_fill_live(aiops_reader *rd, source *s, aiops_err *err)
{
    while (!s->eof && src_len(s) < rd->o.reorder_window) {
        if (src_len(s)) {
            double wait = src_head(s)->arrived + s->delay - now_mono();
            if (wait <= 0)
                return 0;
            if (!src_ready(s, 0)) {
                reader_idle(rd);
                if (!src_ready(s, (int)ceil(wait * 1000)))
                    return 0;
            }
        } else if (!src_ready(s, 0)) {
            reader_idle(rd);                     /* and wait for input */
        }
        int rc = src_read_one(rd, s, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int src_fill(aiops_reader *rd, source *s, aiops_err *err)
{
    int rc;
    while (!s->eof && (s->buffer_all || src_len(s) < rd->o.reorder_window)) {
        if (s->live)
            return src_fill_live(rd, s, err);
        if ((rc = src_read_one(rd, s, err)))
            return rc;
    }
    if (s->eof && s->q.nruns && !s->spilled && (rc = src_spill(rd, s, 1, err)))
        return rc;
    if (s->spilled && !s->qhas) {
        uint64_t seq;
        long line;
        rc = aiops_obs_queue_pop_at(&s->q, &s->qhead.r, &seq, &line);
        if (rc < 0)
            return aiops_err_set(err, rc, aiops_stream_name(s->st), s->last_line, "%s",
                                 s->q.failed.code ? s->q.failed.msg : "out of memory");
        s->qhead.seq = seq;
        s->qhead.line = line;
        s->qhas = rc == 1;
    }
    return 0;
}

/* ---- merge heap over sources */

static int src_less(const aiops_reader *rd, size_t a, size_t b)
{
    const item *x = src_head(&rd->src[a]), *y = src_head(&rd->src[b]);
    if (x->r.ts != y->r.ts)
        return x->r.ts < y->r.ts;
    return a < b;
}

static void mh_down(aiops_reader *rd, size_t i)
{
    size_t n = rd->mlen, *h = rd->mh;
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && src_less(rd, h[l], h[m]))
            m = l;
        if (l + 1 < n && src_less(rd, h[l + 1], h[m]))
            m = l + 1;
        if (m == i)
            return;
        size_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void mh_up(aiops_reader *rd, size_t i)
{
    size_t *h = rd->mh;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!src_less(rd, h[i], h[p]))
            break;
        size_t t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

#define MAX_IDLE 64

/* 1 if a member not opened yet comes after the one st is on, in its
 * archive: else the handle (its decompressor and buffers) goes now. */
static int reusable(const aiops_reader *rd, const aiops_stream *st)
{
    long m = aiops_stream_member(st);
    for (size_t i = rd->next_pending; i < rd->npending; i++) {
        const aiops_entry *e = rd->src[rd->pending[i]].entry;
        if (e->kind == AIOPS_ENTRY_MEMBER && e->index > m && !strcmp(e->path, aiops_stream_path(st)))
            return 1;
    }
    return 0;
}

/* A finished source gives its archive handle back for later members of the
 * same archive (it is positioned right after its member). */
static void src_retire(aiops_reader *rd, source *s)
{
    src_close_parser(s);
    /* Its buffer goes now, not at the end: a source read whole holds as
     * many slots as its entry had records. */
    free(s->ring);
    free(s->heap);
    s->ring = s->heap = NULL;
    s->rcap = s->rhead = s->rlen = s->hlen = s->hcap = 0;
    aiops_obs_queue_free(&s->q);        /* its runs' files close */
    if (s->st && aiops_stream_member(s->st) >= 0 && rd->nidle < MAX_IDLE &&
        reusable(rd, s->st)) {
        aiops_stream_drop_buffer(s->st);
        rd->idle[rd->nidle++] = s->st;
    } else {
        aiops_stream_free(s->st);
    }
    s->st = NULL;
    rd->nactive--;
}

/* A stream for source s: an idle handle of the same archive that is before
 * the member (the nearest one), or a new one. */
static int src_open_stream(aiops_reader *rd, source *s, aiops_err *err)
{
    const aiops_entry *e = s->entry;
    if (e->kind == AIOPS_ENTRY_MEMBER) {
        size_t best = rd->nidle;
        for (size_t i = 0; i < rd->nidle; i++) {
            long m = aiops_stream_member(rd->idle[i]);
            if (m < e->index && strcmp(aiops_stream_path(rd->idle[i]), e->path) == 0 &&
                (best == rd->nidle || m > aiops_stream_member(rd->idle[best])))
                best = i;
        }
        aiops_stream *st = NULL;
        if (best < rd->nidle) {
            st = rd->idle[best];
            rd->idle[best] = rd->idle[--rd->nidle];
        } else {
            /* An open source of an earlier member of the archive that has
             * read all of its member (a document read whole at its open, a
             * member sorted in its buffer) gives its handle on: no second
             * decompression of the archive up to here. */
            size_t from = rd->nsrc;
            for (size_t i = 0; i < rd->nsrc; i++) {
                aiops_stream *o = rd->src[i].st;
                long m = o ? aiops_stream_member(o) : -1;
                if (m >= 0 && m < e->index && aiops_stream_at_end(o) &&
                    strcmp(aiops_stream_path(o), e->path) == 0 &&
                    (from == rd->nsrc || m > aiops_stream_member(rd->src[from].st)))
                    from = i;
            }
            if (from < rd->nsrc)
                st = aiops_stream_take_archive(rd->src[from].st);   /* NULL: open anew */
        }
        if (st) {
            int rc = aiops_stream_advance(st, e, err);
            if (rc) {
                aiops_stream_free(st);
                return rc;
            }
            s->st = st;
            return 0;
        }
    }
    return aiops_stream_open_entry(e, rd->o.max_line, rd->o.max_doc, &s->st, err);
}

/* Open a source, read its first records and put it in the merge. */
static int activate(aiops_reader *rd, size_t si, aiops_err *err)
{
    source *s = &rd->src[si];
    if (rd->nactive >= rd->o.max_open)
        return aiops_err_set(err, AIOPS_ELIMIT, s->entry->path, 0,
                             "more than %zu files or archive members overlap in time; raise "
                             "--max-open or merge in stages", rd->o.max_open);
    int rc = src_open_stream(rd, s, err);
    if (rc)
        return rc;
    if (rd->o.follow > 0 && s->entry->kind == AIOPS_ENTRY_FILE)
        aiops_stream_follow(s->st);
    rd->nactive++;
    if ((rc = src_fill(rd, s, err)))
        return rc;
    if (src_len(s)) {
        rd->mh[rd->mlen] = si;
        mh_up(rd, rd->mlen++);
    } else {
        src_retire(rd, s);
    }
    return 0;
}

/* Open every pending source that may hold a record at or before the
 * merge's next time, so nothing comes out before an earlier record. */
static int activate_due(aiops_reader *rd, aiops_err *err)
{
    while (rd->next_pending < rd->npending) {
        size_t si = rd->pending[rd->next_pending];
        double next = rd->mlen ? src_head(&rd->src[rd->mh[0]])->r.ts : INFINITY;
        if (rd->src[si].entry->first_ts > next)
            return 0;
        rd->next_pending++;
        int rc = activate(rd, si, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* 1 if sample r repeats the series and time of the last sample of its
 * series returned (dropped, counted); else 0, remembering r. */
static int is_duplicate(aiops_reader *rd, const aiops_record *r, aiops_err *err)
{
    if (r->type != AIOPS_R_SAMPLE || rd->o.keep_duplicates)
        return 0;
    if (AIOPS_GROW_ZERO(rd->last, rd->lastcap, (size_t)r->sid + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    struct last_sample *l = &rd->last[r->sid];
    if (l->have && l->ts == r->ts) {
        if (l->v == r->value || (isnan(l->v) && isnan(r->value))) {
            rd->dups++;
            return 1;
        }
        if (rd->conflicts++ == 0) {
            char t[40], kept[40], dropped[40];
            const aiops_series *se = aiops_series_get(rd->tab, r->sid);
            aiops_fmt_time(r->ts, t);
            aiops_fmt_double(l->v, kept);
            aiops_fmt_double(r->value, dropped);
            snprintf(rd->conflict_example, sizeof rd->conflict_example,
                     "%.400s at %s: kept %s, dropped %s", se ? se->text : "?", t, kept, dropped);
        }
        return 1;
    }
    l->have = 1;
    l->ts = r->ts;
    l->v = r->value;
    return 0;
}

/* After a record left source mh[0]: read on, and put the source back in
 * its place in the merge (or retire it at its end). */
static int merge_refill(aiops_reader *rd, aiops_err *err)
{
    source *s = &rd->src[rd->mh[0]];
    int rc = src_fill(rd, s, err);
    if (rc)
        return rc;
    if (src_len(s) == 0) {
        rd->mh[0] = rd->mh[--rd->mlen];
        src_retire(rd, s);
    }
    if (rd->mlen)
        mh_down(rd, 0);
    return 0;
}

/* The next record of the merge, duplicates included.  A live source is
 * read on only at the next call, after the caller has written the record
 * returned now: so the output is flushed with it before input is waited
 * for. */
static int merge_next(aiops_reader *rd, aiops_record *rec, aiops_err *err)
{
    int rc;
    rd->started = 1;
    if (rd->refill) {
        rd->refill = 0;
        if ((rc = merge_refill(rd, err)))
            return rc;
    }
    if ((rc = activate_due(rd, err)))
        return rc;
    if (rd->mlen == 0)
        return 0;
    size_t si = rd->mh[0];
    source *s = &rd->src[si];
    src_pop(rd, s, rec);
    rd->last_src = si;
    rd->last_out = rec->ts;
    rd->have_out = 1;
    if (s->live) {
        rd->refill = 1;
        return 1;
    }
    if ((rc = merge_refill(rd, err))) {
        aiops_record_clear(rec);
        return rc;
    }
    return 1;
}

int aiops_reader_next(aiops_reader *rd, aiops_record *rec, aiops_err *err)
{
    for (;;) {
        int rc = merge_next(rd, rec, err);
        if (rc != 1)
            return rc;
        int dup = is_duplicate(rd, rec, err);
        if (dup == 0 && !rd->o.raw_text && json_is_string(rec->obj) &&
            !aiops_record_json(rec, err)) {     /* a tree for a caller that did not opt in */
            const char *file;
            long line;
            aiops_reader_where(rd, &file, &line);
            aiops_err_locate(err, file, line);
            aiops_record_clear(rec);
            return err->code;
        }
        if (dup == 0)
            return 1;
        aiops_record_clear(rec);
        if (dup < 0)
            return dup;
    }
}

void aiops_reader_duplicates(const aiops_reader *rd, uint64_t *dups, uint64_t *conflicts,
                             const char **example)
{
    if (dups)
        *dups = rd->dups;
    if (conflicts)
        *conflicts = rd->conflicts;
    if (example)
        *example = rd->conflict_example;
}

size_t aiops_reader_unrecognised(const aiops_reader *rd)
{
    return rd->unrecognised;
}

/* Probe for aiops_entries_expand_probe: the earliest time of an archive
 * member, while the listing passes its data anyway: among its first
 * reorder_window records if its format is time-ordered, else among all of
 * them (a second parse, but then a series-ordered or newest-first member is
 * held in memory only from its own time on, not from the start). */
static double probe_first_ts(void *ctx, aiops_stream *st)
{
    aiops_reader *rd = ctx;
    const aiops_format *f = NULL;
    aiops_err err = {0};
    int crc = choose_format(rd, st, &f, &err);
    if (crc == AIOPS_EFORMAT)
        return NAN;
    if (crc != 0)
        return -INFINITY;
    size_t limit = f->ordered ? rd->o.reorder_window : SIZE_MAX;
    aiops_parse_ctx pc;
    set_ctx(rd, &pc, st);
    void *state = NULL;
    if (f->open(&state, &pc, &err))
        return -INFINITY;
    double first = INFINITY;
    aiops_record r = {0};
    size_t n = 0;
    int got;
    while (n < limit && (got = f->next(state, &pc, &r, &err)) == 1) {
        if (r.ts < first)
            first = r.ts;
        aiops_record_clear(&r);
        n++;
    }
    f->close(state);
    /* On errors read it from the start: the real read reports them. */
    return err.code ? -INFINITY : first;
}

/* 1 if no format recognises the entry (detected now, before any long
 * work); 0 if one does, or it is empty, or it is not probed here. */
static int entry_unrecognised(aiops_reader *rd, const aiops_entry *e, aiops_err *err)
{
    if (e->kind == AIOPS_ENTRY_MEMBER)
        return isnan(e->first_ts);
    if (e->kind != AIOPS_ENTRY_FILE)
        return 0;
    struct stat sb;
    if (stat(e->path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;               /* a fifo named on the command line: read it once */
    aiops_stream *st = NULL;
    aiops_err e2 = {0};
    const aiops_format *f;
    int rc = aiops_stream_open_entry(e, rd->o.max_line, rd->o.max_doc, &st, &e2);
    if (!rc)
        rc = choose_format(rd, st, &f, &e2);
    aiops_stream_free(st);
    if (rc == AIOPS_EFORMAT)
        return 1;
    if (rc < 0) {               /* unreadable: say so now */
        *err = e2;
        return rc;
    }
    return 0;
}

/* Files in directories and archive members that no format recognises are
 * skipped with a warning (an error with strict); a file named on the
 * command line is an error, and so is having nothing left to read. */
static int drop_unrecognised(aiops_reader *rd, aiops_err *err)
{
    if (rd->o.force_format)
        return 0;
    size_t k = 0, n = rd->nentries;
    char first[1100] = "";
    for (size_t i = 0; i < n; i++) {
        aiops_entry *e = &rd->entries[i];
        char name[1100];
        if (e->member)
            snprintf(name, sizeof name, "%s:%s", e->path, e->member);
        else
            snprintf(name, sizeof name, "%s", e->path);
        int un = entry_unrecognised(rd, e, err);
        if (un < 0)
            return un;
        if (un && e->nested && entry_sim_scenario(rd, e)) {   /* not data: quietly */
            free(e->path);
            free(e->member);
            continue;
        }
        if (un && (!e->nested || rd->o.strict))
            return aiops_err_set(err, AIOPS_EFORMAT, name, 1,
                                 "expected a known input format; cannot tell what this is "
                                 "(use --input-format%s)",
                                 e->nested ? ", or leave out --strict to skip such files" : "");
        if (un) {
            reader_warn(rd, "%s: skipped: no input format recognises it", name);
            if (!rd->unrecognised++)
                snprintf(first, sizeof first, "%s", name);
            free(e->path);
            free(e->member);
            continue;
        }
        rd->entries[k++] = *e;
    }
    rd->nentries = k;
    if (n > 0 && k == 0)
        return aiops_err_set(err, AIOPS_EFORMAT, first, 1,
                             "expected a known input format in at least one file; none of "
                             "the %zu inputs is recognised (use --input-format)", n);
    return 0;
}

static int cmp_first_ts(const void *a, const void *b)
{
    const aiops_entry *x = *(const aiops_entry *const *)a, *y = *(const aiops_entry *const *)b;
    if (x->first_ts != y->first_ts)
        return x->first_ts < y->first_ts ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* What the first times of an archive's members depend on (the options
 * probe_first_ts reads with), for the index kept beside the archive. */
static void index_key(const aiops_reader *rd, aiops_buf *b)
{
    const aiops_reader_opts *o = &rd->o;
    char st[40];
    aiops_fmt_double(o->scrape_time, st);
    aiops_buf_printf(b, "v=%s window=%zu tz=%s scrape=%s", AIOPS_VERSION, o->reorder_window,
                     aiops_time_zone(), st);
    const char *const strs[] = { o->force_format, o->service, o->column_map, o->name };
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
        aiops_buf_printf(b, " %zu=", i);
        if (strs[i])
            aiops_buf_jstr(b, strs[i]);
    }
    for (size_t i = 0; o->allowed && o->allowed[i]; i++) {
        aiops_buf_str(b, " allow=");
        aiops_buf_jstr(b, o->allowed[i]);
    }
    for (size_t i = 0; o->members && o->members[i]; i++) {
        aiops_buf_str(b, " member=");
        aiops_buf_jstr(b, o->members[i]);
    }
}

int aiops_reader_new(aiops_reader **out, const char *const *paths, size_t npaths,
                     aiops_series_table *tab, const aiops_reader_opts *opts, aiops_err *err)
{
    aiops_reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    rd->tab = tab;
    if (opts)
        rd->o = *opts;
    if (!rd->o.reorder_window)
        rd->o.reorder_window = 4096;
    if (!rd->o.max_buffer)
        rd->o.max_buffer = (size_t)8 << 20;
    if (!rd->o.max_open)
        rd->o.max_open = 512;
    /* Probing reads through a scratch series table: ids interned there
     * must not show up in the caller's table. */
    aiops_series_table *probe_tab = aiops_series_table_new();
    rd->tab = probe_tab;
    aiops_buf key = {0};
    if (rd->o.index)
        index_key(rd, &key);
    aiops_expand_opts xo = {probe_first_ts, rd, rd->o.members, rd->o.index ? key.p : NULL};
    int rc = probe_tab && !key.oom ? aiops_entries_expand_opts(paths, npaths, &xo, &rd->entries,
                                                               &rd->nentries, err)
                                   : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    rd->tab = tab;
    aiops_series_table_free(probe_tab);
    aiops_buf_free(&key);
    if (!rc)
        rc = drop_unrecognised(rd, err);
    if (!rc && rd->o.follow > 0 && rd->nentries != 1)
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "--follow reads one input (standard "
                           "input or one file), not %zu", rd->nentries);
    if (!rc && rd->o.follow > 0 && rd->entries[0].kind == AIOPS_ENTRY_MEMBER)
        rc = aiops_err_set(err, AIOPS_EINVAL, rd->entries[0].path, 0, "cannot follow an "
                           "archive or a compressed file: give a plain file or standard input");
    if (rc)
        goto fail;
    size_t n = rd->nentries ? rd->nentries : 1;
    rd->src = calloc(n, sizeof *rd->src);
    rd->mh = calloc(n, sizeof *rd->mh);
    rd->pending = calloc(n, sizeof *rd->pending);
    rd->idle = calloc(MAX_IDLE, sizeof *rd->idle);
    const aiops_entry **order = calloc(n, sizeof *order);
    if (!rd->src || !rd->mh || !rd->pending || !rd->idle || !order) {
        free(order);
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < rd->nentries; i++) {
        rd->src[i].entry = &rd->entries[i];
        order[i] = &rd->entries[i];
    }
    rd->nsrc = rd->nentries;
    /* Open in order of first time; entries not probed (-Inf) at once. */
    qsort(order, rd->nentries, sizeof *order, cmp_first_ts);
    for (size_t i = 0; i < rd->nentries; i++)
        rd->pending[i] = (size_t)(order[i] - rd->entries);
    rd->npending = rd->nentries;
    free(order);
    *out = rd;
    return 0;
fail:
    aiops_reader_free(rd);
    return rc;
}

uint64_t aiops_reader_skipped(const aiops_reader *rd, const aiops_err **first)
{
    if (first)
        *first = rd->skipped ? &rd->first_skip : NULL;
    return rd->skipped;
}

void aiops_reader_where(aiops_reader *rd, const char **file, long *line)
{
    const aiops_entry *e = rd->nsrc ? rd->src[rd->last_src].entry : NULL;
    if (!e)
        snprintf(rd->where, sizeof rd->where, "%s", "");
    else if (e->kind == AIOPS_ENTRY_STDIN)
        snprintf(rd->where, sizeof rd->where, "<stdin>");
    else if (e->member)
        snprintf(rd->where, sizeof rd->where, "%s:%s", e->path, e->member);
    else
        snprintf(rd->where, sizeof rd->where, "%s", e->path);
    if (file)
        *file = rd->where;
    if (line)
        *line = rd->last_line;
}

size_t aiops_reader_entries(const aiops_reader *rd)
{
    return rd->nentries;
}

void aiops_reader_free(aiops_reader *rd)
{
    if (!rd)
        return;
    for (size_t i = 0; i < rd->nsrc; i++) {
        source *s = &rd->src[i];
        src_close_parser(s);
        aiops_stream_free(s->st);
        for (size_t k = 0; k < s->rlen; k++)
            aiops_record_clear(&s->ring[(s->rhead + k) & (s->rcap - 1)].r);
        for (size_t k = 0; k < s->hlen; k++)
            aiops_record_clear(&s->heap[k].r);
        free(s->ring);
        free(s->heap);
        if (s->qhas)
            aiops_record_clear(&s->qhead.r);
        aiops_obs_queue_free(&s->q);
    }
    for (size_t i = 0; i < rd->nidle; i++)
        aiops_stream_free(rd->idle[i]);
    free(rd->idle);
    free(rd->last);
    free(rd->pending);
    free(rd->src);
    free(rd->mh);
    aiops_entries_free(rd->entries, rd->nentries);
    free(rd);
}
