/* obs_queue.c - the queue that holds a value's (or a whole document's)
 * records until they can be written in time order: an in-memory buffer
 * sorted by (time, arrival), cut into sorted runs spilled to unlinked
 * temporary files past AIOPS_MAX_RUN units, merged back on pop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "common/limits.h"
#include "common/ofile.h"
#include "formats/obs.h"

struct aiops_obs_qitem {
    aiops_record r;
    size_t seq;
    long line;               /* aiops_obs_queue_push_at's; 0 for the formats' records */
};

/* A sorted run in a temporary file: per record a header, then the
 * object's tree in a tagged binary form (read back without lexing text:
 * jansson's parser would cost more than the whole rest of the read); a
 * record that carries its JSON text is one string. */
typedef struct run_head {
    double ts, value;
    uint64_t seq, len;
    int64_t line;
    uint32_t sid;
    int32_t type;
} run_head;

static void put_len(aiops_buf *b, size_t n)
{
    uint32_t k = (uint32_t)n;
    aiops_buf_put(b, (const char *)&k, sizeof k);
}

static void encode(aiops_buf *b, json_t *v)
{
    char tag = (char)json_typeof(v);
    aiops_buf_put(b, &tag, 1);
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *m;
        put_len(b, json_object_size(v));
        json_object_foreach(v, k, m) {
            put_len(b, strlen(k));
            aiops_buf_put(b, k, strlen(k));
            encode(b, m);
        }
        break;
    }
    case JSON_ARRAY:
        put_len(b, json_array_size(v));
        for (size_t i = 0; i < json_array_size(v); i++)
            encode(b, json_array_get(v, i));
        break;
    case JSON_STRING:
        put_len(b, json_string_length(v));
        aiops_buf_put(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER: {
        json_int_t i = json_integer_value(v);
        aiops_buf_put(b, (const char *)&i, sizeof i);
        break;
    }
    case JSON_REAL: {
        double d = json_real_value(v);
        aiops_buf_put(b, (const char *)&d, sizeof d);
        break;
    }
    default:
        break;
    }
}

typedef struct reader {
    const char *p, *end;
} reader;

static int take(reader *r, void *out, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return -1;
    memcpy(out, r->p, n);
    r->p += n;
    return 0;
}

/* The tree encode() wrote; NULL when out of memory or malformed. */
static json_t *decode(reader *r)
{
    char tag;
    uint32_t n;
    json_t *v = NULL;
    if (take(r, &tag, 1))
        return NULL;
    switch (tag) {
    case JSON_OBJECT:
        if (take(r, &n, sizeof n) || !(v = json_object()))
            return NULL;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t kl;
            const char *k;
            json_t *m;
            if (take(r, &kl, sizeof kl) || (size_t)(r->end - r->p) < kl)
                break;
            k = r->p;
            r->p += kl;
            if (!(m = decode(r)) || json_object_setn_new_nocheck(v, k, kl, m))
                break;
            if (i + 1 == n)
                return v;
        }
        if (n == 0)
            return v;
        break;
    case JSON_ARRAY:
        if (take(r, &n, sizeof n) || !(v = json_array()))
            return NULL;
        for (uint32_t i = 0; i < n; i++)
            if (json_array_append_new(v, decode(r)))
                break;
            else if (i + 1 == n)
                return v;
        if (n == 0)
            return v;
        break;
    case JSON_STRING:
        if (take(r, &n, sizeof n) || (size_t)(r->end - r->p) < n)
            return NULL;
        v = json_stringn_nocheck(r->p, n);
        r->p += n;
        return v;
    case JSON_INTEGER: {
        json_int_t i;
        return take(r, &i, sizeof i) ? NULL : json_integer(i);
    }
    case JSON_REAL: {
        double d;
        return take(r, &d, sizeof d) ? NULL : json_real(d);
    }
    case JSON_TRUE: return json_true();
    case JSON_FALSE: return json_false();
    case JSON_NULL: return json_null();
    default: return NULL;
    }
    json_decref(v);
    return NULL;
}

struct aiops_obs_run {
    FILE *f;
    int has;                 /* head holds the run's next record */
    struct aiops_obs_qitem head;
    char *rbuf;              /* the last record's bytes, reused (no malloc per record;
                              * one over RUN_BUF is freed after it is read) */
    size_t rcap;
};

static void run_close(struct aiops_obs_run *r)
{
    if (r->f)
        fclose(r->f);
    r->f = NULL;
    free(r->rbuf);
    r->rbuf = NULL;
    r->rcap = 0;
}

static int cmp_item(const void *a, const void *b)
{
    const struct aiops_obs_qitem *x = a, *y = b;
    if (x->r.ts != y->r.ts)
        return x->r.ts < y->r.ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void aiops_obs_queue_sort(aiops_obs_queue *q)
{
    if (q->n > q->pos)
        qsort(q->v + q->pos, q->n - q->pos, sizeof *q->v, cmp_item);
}

static int io_fail(aiops_obs_queue *q, const char *what)
{
    return aiops_err_set(&q->failed, AIOPS_EIO, "", 0,
                         "%s a temporary file of sorted records under %s: %s", what,
                         aiops_tmp_dir(), errno ? strerror(errno) : "short read");
}

/* Runs are written and read in big sequential pieces: a 64 KiB stdio
 * buffer instead of 4 KiB cuts the write/read calls (at most
 * AIOPS_OBS_RUN_FILES + 1 files are open per queue). */
#define RUN_BUF ((size_t)64 << 10)

static FILE *temp_file(void)
{
    FILE *f = aiops_tmp_file("aiops-sort");
    if (f)
        (void)setvbuf(f, NULL, _IOFBF, RUN_BUF);     /* else the default buffer */
    return f;
}

/* One record to run file f (its record cleared); count: add its bytes
 * to the temporary-file total.  rc: the first error so far (0). */
static int run_write(aiops_obs_queue *q, FILE *f, aiops_buf *b, struct aiops_obs_qitem *it,
                     int count, int rc)
{
    b->n = 0;
    /* A record as text (a JSON string, the common case) goes from its
     * string to the file in encode()'s form, without a copy in b. */
    json_t *o = it->r.obj;
    int str = json_is_string(o) && json_string_length(o) <= UINT32_MAX;
    if (o && !str)           /* a plain sample has none: length 0 */
        encode(b, o);
    size_t len = str ? 1 + sizeof(uint32_t) + json_string_length(o) : b->n;
    run_head h = { it->r.ts, it->r.value, it->seq, len, it->line, it->r.sid,
                   (int32_t)it->r.type };
    if (!rc && b->oom)
        rc = AIOPS_ENOMEM;
    else if (!rc && str) {
        char tag = (char)JSON_STRING;
        uint32_t k = (uint32_t)json_string_length(o);
        if (fwrite(&h, sizeof h, 1, f) != 1 || fwrite(&tag, 1, 1, f) != 1 ||
            fwrite(&k, sizeof k, 1, f) != 1 ||
            (k && fwrite(json_string_value(o), 1, k, f) != k))
            rc = io_fail(q, "cannot write");
    } else if (!rc && (fwrite(&h, sizeof h, 1, f) != 1 ||
                       (b->n && fwrite(b->p, 1, b->n, f) != b->n)))
        rc = io_fail(q, "cannot write");
    if (!rc && count)
        rc = aiops_limit_spill(sizeof h + len, &q->failed) ? AIOPS_EIO : 0;   /* q->failed */
    aiops_record_clear(&it->r);
    return rc;
}

static int run_read(aiops_obs_queue *q, struct aiops_obs_run *r);

/* Merge every run into one new one, so that the runs open at once (a file
 * each) stay under AIOPS_OBS_RUN_FILES however big the entry: each record
 * is then written about log64(runs) times.  The bytes merged are not
 * counted again against AIOPS_MAX_SPILL (the old files go as the new one
 * is written).  0 or <0 (q->failed set for I/O). */
static int merge_runs(aiops_obs_queue *q)
{
    FILE *f;
    aiops_buf b = { 0 };
    int rc = 0;
    errno = 0;
    if (!(f = temp_file()))
        return io_fail(q, "cannot create");
    for (;;) {
        struct aiops_obs_run *best = NULL;
        for (size_t i = 0; i < q->nruns && !rc; i++) {
            struct aiops_obs_run *r = &q->runs[i];
            if (r->f && !r->has && (rc = run_read(q, r)) < 0)
                break;
            if (r->f && !r->has)            /* read to its end */
                run_close(r);
            if (r->has && (!best || cmp_item(&r->head, &best->head) < 0))
                best = r;
        }
        if (rc || !best)
            break;
        best->has = 0;
        rc = run_write(q, f, &b, &best->head, 0, 0);
    }
    aiops_buf_free(&b);
    if (!rc && (fflush(f) || fseek(f, 0, SEEK_SET)))
        rc = io_fail(q, "cannot write");
    if (rc) {
        fclose(f);
        return rc;
    }
    for (size_t i = 0; i < q->nruns; i++)
        run_close(&q->runs[i]);
    free(q->runs);           /* all read and closed */
    q->runs = NULL;
    q->runcap = 0;
    q->nruns = 0;
    if (AIOPS_GROW(q->runs, q->runcap, 1)) {
        fclose(f);
        return AIOPS_ENOMEM;
    }
    q->runs[0] = (struct aiops_obs_run){ 0 };
    q->runs[0].f = f;
    q->nruns = 1;
    return 0;
}

/* Sort the records in memory and move them to a new run. */
int aiops_obs_queue_spill(aiops_obs_queue *q)
{
    struct aiops_obs_run *r;
    int rc = 0;
    errno = 0;
    if (q->nruns >= AIOPS_OBS_RUN_FILES && (rc = merge_runs(q)) < 0)
        return rc;
    if (AIOPS_GROW(q->runs, q->runcap, q->nruns + 1))
        return AIOPS_ENOMEM;
    r = &q->runs[q->nruns];
    *r = (struct aiops_obs_run){ 0 };
    if (!(r->f = temp_file()))
        return io_fail(q, "cannot create");
    q->nruns++;
    aiops_obs_queue_sort(q);
    aiops_buf b = { 0 };
    for (size_t i = q->pos; i < q->n; i++)
        rc = run_write(q, r->f, &b, &q->v[i], 1, rc);
    aiops_buf_free(&b);
    q->n = q->pos = 0;
    if (!rc && (fflush(r->f) || fseek(r->f, 0, SEEK_SET)))
        rc = io_fail(q, "cannot write");
    return rc;
}

int aiops_obs_queue_push(aiops_obs_queue *q, aiops_rtype type, double ts, json_t *obj)
{
    int rc;
    if (q->run_max && q->n - q->pos >= q->run_max && (rc = aiops_obs_queue_spill(q)) < 0) {
        json_decref(obj);
        return rc;
    }
    if (AIOPS_GROW(q->v, q->cap, q->n + 1)) {
        json_decref(obj);
        return AIOPS_ENOMEM;
    }
    q->v[q->n] = (struct aiops_obs_qitem){ { type, 0, ts, 0, obj }, q->seq++, 0 };
    q->n++;
    return 0;
}

int aiops_obs_queue_push_at(aiops_obs_queue *q, aiops_record *r, uint64_t seq, long line)
{
    if (AIOPS_GROW(q->v, q->cap, q->n + 1)) {
        aiops_record_clear(r);
        return AIOPS_ENOMEM;
    }
    q->v[q->n++] = (struct aiops_obs_qitem){ *r, (size_t)seq, line };
    *r = (aiops_record){ 0 };
    q->seq++;
    return 0;
}

/* The next record of a run into its head: 0 (r->has 0 at its end) or <0. */
static int run_read(aiops_obs_queue *q, struct aiops_obs_run *r)
{
    run_head h;
    r->has = 0;
    errno = 0;
    if (fread(&h, sizeof h, 1, r->f) != 1)
        return ferror(r->f) ? io_fail(q, "cannot read") : 0;
    if (h.len > SIZE_MAX - 1)
        return AIOPS_ENOMEM;
    if (AIOPS_GROW(r->rbuf, r->rcap, (size_t)h.len + 1))
        return AIOPS_ENOMEM;
    if (fread(r->rbuf, 1, h.len, r->f) != h.len)
        return io_fail(q, "cannot read");
    reader rd = { r->rbuf, r->rbuf + h.len };
    json_t *obj = h.len ? decode(&rd) : NULL;
    if (r->rcap > RUN_BUF) {         /* a big record's buffer is not kept */
        free(r->rbuf);
        r->rbuf = NULL;
        r->rcap = 0;
    }
    if (h.len && !obj)
        return AIOPS_ENOMEM;
    r->head = (struct aiops_obs_qitem){ { (aiops_rtype)h.type, h.sid, h.ts, h.value, obj },
                                        (size_t)h.seq, (long)h.line };
    r->has = 1;
    return 0;
}

static int queue_pop(aiops_obs_queue *q, struct aiops_obs_qitem *out)
{
    struct aiops_obs_run *best = NULL;
    for (size_t i = 0; i < q->nruns; i++) {
        struct aiops_obs_run *r = &q->runs[i];
        int rc;
        if (r->f && !r->has && (rc = run_read(q, r)) < 0) {
            if (rc == AIOPS_ENOMEM)
                aiops_err_set(&q->failed, rc, "", 0, "out of memory");
            return rc;
        }
        if (r->has && (!best || cmp_item(&r->head, &best->head) < 0))
            best = r;
        if (r->f && !r->has)            /* read to its end */
            run_close(r);
    }
    if (q->pos < q->n && (!best || cmp_item(&q->v[q->pos], &best->head) < 0)) {
        *out = q->v[q->pos++];
        return 1;
    }
    if (!best)
        return 0;
    *out = best->head;
    best->has = 0;
    return 1;
}

int aiops_obs_queue_pop(aiops_obs_queue *q, aiops_record *rec)
{
    struct aiops_obs_qitem it;
    int rc = queue_pop(q, &it);
    if (rc == 1)
        *rec = it.r;
    return rc;
}

int aiops_obs_queue_pop_at(aiops_obs_queue *q, aiops_record *rec, uint64_t *seq, long *line)
{
    struct aiops_obs_qitem it;
    int rc = queue_pop(q, &it);
    if (rc == 1) {
        *rec = it.r;
        *seq = it.seq;
        *line = it.line;
    }
    return rc;
}

void aiops_obs_queue_free(aiops_obs_queue *q)
{
    for (size_t i = q->pos; i < q->n; i++)
        aiops_record_clear(&q->v[i].r);
    for (size_t i = 0; i < q->nruns; i++) {
        if (q->runs[i].has)
            aiops_record_clear(&q->runs[i].head.r);
        run_close(&q->runs[i]);
    }
    free(q->v);
    free(q->runs);
    aiops_buf_free(&q->scratch);
    memset(q, 0, sizeof *q);
}

int aiops_obs_queue_cut(aiops_obs_queue *q, size_t seq, size_t nbad)
{
    if (q->seq > seq && q->seq - seq > q->n - q->pos)
        return AIOPS_ELIMIT;
    while (q->seq > seq) {
        aiops_record_clear(&q->v[--q->n].r);
        q->seq--;
    }
    q->nbad = nbad;
    return 0;
}
