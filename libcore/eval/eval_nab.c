/* eval_nab.c - NAB mode of aiops-eval: windows from combined_windows.json,
 * thresholds from thresholds.json, detector result CSVs from a directory
 * or an archive (streamed member by member), and the NAB score of the
 * stream under test.  Data files are matched to NAB keys by file stem
 * ("realKnownCause/nyc_taxi.csv" <-> numenta_nyc_taxi.csv, or the series
 * nyc_taxi that aiops-replay makes of nyc_taxi.csv). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "eval/eval_impl.h"
#include "input/input.h"

#define NAB_MAX_MEMBER ((size_t)256 << 20)

/* "dir/name.csv" -> "name" (malloc'd). */
static char *file_stem(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 4 && !strcmp(b + n - 4, ".csv"))
        n -= 4;
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, b, n);
        s[n] = '\0';
    }
    return s;
}

static int parse_pair(const json_t *p, aiops_window *w, const char *file, const char *key,
                      aiops_err *err)
{
    double t[2];
    if (!json_is_array(p) || json_array_size(p) != 2)
        return aiops_err_set(err, AIOPS_EPARSE, file, 0,
                             "\"%s\": expected [start, end] pairs", key);
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_array_get(p, i);
        t[i] = NAN;
        if (json_is_number(v))
            t[i] = json_number_value(v);
        else if (json_is_string(v))
            aiops_parse_time(json_string_value(v), json_string_length(v), &t[i]);
        if (!isfinite(t[i]))
            return aiops_err_set(err, AIOPS_EPARSE, file, 0,
                                 "\"%s\": expected a timestamp, got %s", key,
                                 json_is_string(v) ? json_string_value(v) : "a non-string");
    }
    if (t[0] > t[1])
        return aiops_err_set(err, AIOPS_EPARSE, file, 0, "\"%s\": window ends before it starts",
                             key);
    *w = (aiops_window){t[0], t[1]};
    return 0;
}

static int add_key(aiops_eval *ev, const char *key, const json_t *arr, const char *file,
                   aiops_err *err)
{
    if (!json_is_array(arr))
        return aiops_err_set(err, AIOPS_EPARSE, file, 0, "\"%s\": expected an array of windows",
                             key);
    ev_nabkey *k = &ev->nk[ev->nnk];
    memset(k, 0, sizeof *k);
    size_t n = json_array_size(arr);
    char buf[512];
    k->key = ev_strdup(key);
    k->stem = file_stem(key);
    k->w = malloc((n + 1) * sizeof *k->w);
    if (!k->key || !k->stem || !k->w)
        return aiops_err_set(err, AIOPS_ENOMEM, file, 0, "out of memory");
    aiops_sanitize_name(k->stem, strlen(k->stem), buf, sizeof buf);
    if (!(k->metric = ev_strdup(buf)))
        return aiops_err_set(err, AIOPS_ENOMEM, file, 0, "out of memory");
    ev->nnk++;
    for (k->nw = 0; k->nw < n; k->nw++) {
        int rc = parse_pair(json_array_get(arr, k->nw), &k->w[k->nw], file, key, err);
        if (rc)
            return rc;
    }
    k->nw = aiops_nab_windows_prepare(k->w, k->nw);
    return 0;
}

/* 1 if doc looks like combined_windows.json: an object of arrays. */
int ev_is_nab_windows(const json_t *doc)
{
    const char *key;
    json_t *v;
    if (!json_is_object(doc) || !json_object_size(doc))
        return 0;
    json_object_foreach((json_t *)doc, key, v) {
        if (!json_is_array(v))
            return 0;
    }
    return 1;
}

int ev_nab_windows_doc(aiops_eval *ev, const json_t *doc, const char *path, aiops_err *err)
{
    if (ev->nnk)
        return aiops_err_set(err, AIOPS_EINVAL, path, 0, "NAB windows given twice");
    ev->nk = calloc(json_object_size(doc) + 1, sizeof *ev->nk);
    const char *key;
    json_t *v;
    int rc = ev->nk ? 0 : aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    json_object_foreach((json_t *)doc, key, v) {
        if (!rc)
            rc = add_key(ev, key, v, path, err);
    }
    return rc;
}

int aiops_eval_nab_windows(aiops_eval *ev, const char *path, aiops_err *err)
{
    json_error_t je;
    json_t *doc;
    int rc = ev_slurp_json(path, &doc, &je, err);
    if (rc)
        return rc;
    if (!doc || !json_is_object(doc))
        rc = aiops_err_set(err, AIOPS_EPARSE, path, doc ? 1 : je.line,
                           "expected a NAB windows object {\"file.csv\": [[start, end], ...]}%s%s",
                           doc ? "" : ": ", doc ? "" : je.text);
    else
        rc = ev_nab_windows_doc(ev, doc, path, err);
    json_decref(doc);
    return rc;
}

int aiops_eval_nab_thresholds(aiops_eval *ev, const char *path, const char *detector,
                              aiops_err *err)
{
    json_error_t je;
    json_t *doc, *d = NULL;
    int rc = ev_slurp_json(path, &doc, &je, err);
    if (rc)
        return rc;
    if (!doc || !json_is_object(doc))
        rc = aiops_err_set(err, AIOPS_EPARSE, path, doc ? 1 : je.line,
                           "expected a thresholds object {detector: {profile: {threshold}}}");
    else if (!detector && json_object_size(doc) != 1)
        rc = aiops_err_set(err, AIOPS_EINVAL, path, 0,
                           "%zu detectors in this file: expected the name of one",
                           json_object_size(doc));
    if (!rc && !detector)
        detector = json_object_iter_key(json_object_iter(doc));
    if (!rc && !(d = json_object_get(doc, detector)))
        rc = aiops_err_set(err, AIOPS_EINVAL, path, 0, "no detector \"%s\" in this file", detector);
    for (size_t p = 0; !rc && p < AIOPS_NAB_NPROFILES; p++) {
        json_t *t = json_object_get(json_object_get(d, aiops_nab_profiles[p].name), "threshold");
        if (!json_is_number(t))
            rc = aiops_err_set(err, AIOPS_EPARSE, path, 0,
                               "%s.%s: expected a number \"threshold\"", detector,
                               aiops_nab_profiles[p].name);
        else
            ev->thr[p] = json_number_value(t);
    }
    if (!rc) {
        free(ev->detector);
        ev->detector = ev_strdup(detector);
        ev->have_thr = 1;
    }
    json_decref(doc);
    return rc;
}

void aiops_eval_nab_threshold(aiops_eval *ev, double threshold)
{
    ev->fixed_thr = threshold;
}

int aiops_eval_nab_detector(aiops_eval *ev, const char *detector, aiops_err *err)
{
    char *d = ev_strdup(detector);
    if (!d)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    free(ev->detector);
    ev->detector = d;
    return 0;
}

void aiops_eval_nab_optimize(aiops_eval *ev)
{
    ev->optimize = 1;
}

/* Rows of one result CSV: timestamps and anomaly scores. */
typedef struct nab_rows {
    double *ts, *score;
    size_t n, tcap, scap;
} nab_rows;

static int rows_push(nab_rows *r, double t, double s)
{
    if (AIOPS_GROW(r->ts, r->tcap, r->n + 1) || AIOPS_GROW(r->score, r->scap, r->n + 1))
        return AIOPS_ENOMEM;
    r->ts[r->n] = t;
    r->score[r->n++] = s;
    return 0;
}

/* Field `want` (0-based) of a comma-separated line. */
static int csv_field(const char *line, size_t len, size_t want, const char **f, size_t *fn)
{
    size_t col = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || line[i] == ',') {
            if (col == want) {
                *f = line + start;
                *fn = i - start;
                return 0;
            }
            col++;
            start = i + 1;
        }
    }
    return -1;
}

static long header_col(const char *line, size_t len, const char *name)
{
    const char *f;
    size_t fn;
    for (size_t c = 0; csv_field(line, len, c, &f, &fn) == 0; c++)
        if (fn == strlen(name) && !memcmp(f, name, fn))
            return (long)c;
    return -1;
}

static int parse_rows(aiops_stream *st, nab_rows *r, aiops_err *err)
{
    char *line;
    size_t len;
    long cts = -1, csc = -1;
    int rc;
    while ((rc = aiops_stream_getline(st, &line, &len, err)) == 1) {
        long ln = aiops_stream_lineno(st);
        const char *f1, *f2;
        size_t n1, n2;
        double t, s;
        if (cts < 0) {
            cts = header_col(line, len, "timestamp");
            csc = header_col(line, len, "anomaly_score");
            if (cts < 0 || csc < 0)
                return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(st), ln,
                                     "expected a header with timestamp and anomaly_score columns");
            continue;
        }
        if (csv_field(line, len, (size_t)cts, &f1, &n1) || csv_field(line, len, (size_t)csc, &f2, &n2))
            return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(st), ln,
                                 "expected as many fields as the header");
        if (aiops_parse_time(f1, n1, &t))
            return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(st), ln,
                                 "expected a timestamp, got '%.*s'", (int)n1, f1);
        if (aiops_parse_double(f2, n2, &s) || isnan(s))
            return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(st), ln,
                                 "expected an anomaly_score number, got '%.*s'", (int)n2, f2);
        if (rows_push(r, t, s))
            return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(st), ln, "out of memory");
    }
    return rc < 0 ? rc : 0;
}

/* The NAB key a result file is for: its stem, or "<detector>_<stem>";
 * the longest matching stem wins. */
static ev_nabkey *match_key(aiops_eval *ev, const char *stem)
{
    ev_nabkey *best = NULL;
    size_t sl = strlen(stem);
    for (size_t i = 0; i < ev->nnk; i++) {
        ev_nabkey *k = &ev->nk[i];
        size_t kl = strlen(k->stem);
        int ok = !strcmp(stem, k->stem) ||
                 (sl > kl + 1 && !strcmp(stem + sl - kl, k->stem) && stem[sl - kl - 1] == '_');
        if (ok && (!best || kl > strlen(best->stem)))
            best = k;
    }
    return best;
}

static double threshold_of(const aiops_eval *ev, size_t p)
{
    return isnan(ev->fixed_thr) ? ev->thr[p] : ev->fixed_thr;
}

/* NAB totals per profile over the files scored so far.  When optimising,
 * the files go into the sweep sw, and the totals are filled at the end. */
typedef struct nab_tot {
    double raw[AIOPS_NAB_NPROFILES];
    size_t windows[AIOPS_NAB_NPROFILES], detected[AIOPS_NAB_NPROFILES];
    size_t fp[AIOPS_NAB_NPROFILES], unscored, files, rows;
    aiops_nab_sweep *sw;
    size_t tried;              /* thresholds the sweep tried */
} nab_tot;

/* Add the result of one file or series under profile p to the totals. */
static void tot_add(nab_tot *tot, size_t p, const aiops_nab_result *r)
{
    tot->raw[p] += r->score;
    tot->windows[p] += r->windows;
    tot->detected[p] += r->detected;
    tot->fp[p] += r->fp_rows;
    if (p == 0)
        tot->unscored += r->unscored;
}

static int score_file(aiops_eval *ev, const char *name, nab_rows *r, nab_tot *tot,
                      aiops_err *err)
{
    char *stem = file_stem(name);
    if (!stem)
        return aiops_err_set(err, AIOPS_ENOMEM, name, 0, "out of memory");
    ev_nabkey *k = match_key(ev, stem);
    free(stem);
    if (!k)
        return aiops_err_set(err, AIOPS_EINVAL, name, 0,
                             "no window list for this file in the NAB windows file");
    if (k->scored)
        return aiops_err_set(err, AIOPS_EINVAL, name, 0, "a second result file for %s", k->key);
    k->scored = 1;
    tot->files++;
    tot->rows += r->n;
    if (tot->sw) {
        int rc = aiops_nab_sweep_add(tot->sw, r->ts, r->score, r->n, k->w, k->nw, err);
        if (rc)
            aiops_err_locate(err, name, 0);
        return rc;
    }
    unsigned char *det = malloc(r->n + 1);
    if (!det)
        return aiops_err_set(err, AIOPS_ENOMEM, name, 0, "out of memory");
    int rc = 0;
    for (size_t p = 0; !rc && p < AIOPS_NAB_NPROFILES; p++) {
        aiops_nab_result res;
        for (size_t i = 0; i < r->n; i++)
            det[i] = r->score[i] >= threshold_of(ev, p);
        rc = aiops_nab_score(r->ts, det, r->n, k->w, k->nw, &aiops_nab_profiles[p], &res, err);
        if (rc)
            aiops_err_locate(err, name, 0);
        else
            tot_add(tot, p, &res);
    }
    free(det);
    return rc;
}

/* With a detector named, a results tree may hold other detectors' files
 * too: use only files named "<detector>_<stem>.csv", files under a
 * directory called <detector>, and files named exactly "<stem>.csv". */
static int for_detector(const aiops_eval *ev, const char *path)
{
    if (!ev->detector)
        return 1;
    size_t dl = strlen(ev->detector);
    const char *base = strrchr(path, '/'), *p = path;
    base = base ? base + 1 : path;
    if (!strncmp(base, ev->detector, dl) && base[dl] == '_')
        return 1;
    for (const char *c = path; c < base; c = p + 1) {
        p = strchr(c, '/');
        if (!p || p > base)
            break;
        if ((size_t)(p - c) == dl && !strncmp(c, ev->detector, dl))
            return 1;
    }
    for (size_t i = 0; i < ev->nnk; i++) {
        size_t kl = strlen(ev->nk[i].stem);
        if (!strncmp(base, ev->nk[i].stem, kl) && !strcmp(base + kl, ".csv"))
            return 1;
    }
    return 0;
}

static int score_stream(aiops_eval *ev, aiops_stream *st, nab_tot *tot, aiops_err *err)
{
    nab_rows r = {0};
    int rc = parse_rows(st, &r, err);
    if (!rc)
        rc = score_file(ev, aiops_stream_name(st), &r, tot, err);
    free(r.ts);
    free(r.score);
    return rc;
}

static int is_csv(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && !strcmp(name + n - 4, ".csv") && !strstr(name, "_scores.csv");
}

/* Archives are read once, member by member (no re-reads, no extraction). */
static int results_archive(aiops_eval *ev, const char *path, nab_tot *tot, aiops_err *err)
{
    struct archive *a = aiops_archive_reader();
    struct archive_entry *ae;
    char *buf = NULL;
    int rc = a ? 0 : aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    if (!rc && archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK)
        rc = aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open archive: %s", archive_error_string(a));
    while (!rc) {
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        const char *m = r >= ARCHIVE_WARN ? archive_entry_pathname(ae) : NULL;
        if (!m) {
            rc = aiops_err_set(err, AIOPS_EIO, path, 0, "bad archive: %s", archive_error_string(a));
            break;
        }
        if (archive_entry_filetype(ae) != AE_IFREG || !is_csv(m) || !for_detector(ev, m))
            continue;
        la_int64_t sz = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : -1;
        if (sz < 0 || (size_t)sz > NAB_MAX_MEMBER) {
            rc = aiops_err_set(err, AIOPS_ELIMIT, path, 0, "%s: member size unknown or over 256 MiB", m);
            break;
        }
        /* One buffer for every member, sized to each: not a growing array. */
        char *nb = realloc(buf, (size_t)sz + 1);
        if (!nb) {
            rc = aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
            break;
        }
        buf = nb;
        if (archive_read_data(a, buf, (size_t)sz) != sz) {
            rc = aiops_err_set(err, AIOPS_EIO, path, 0, "%s: short read", m);
            break;
        }
        char name[1024];
        snprintf(name, sizeof name, "%s:%s", path, m);
        aiops_stream *st = aiops_stream_new_mem(name, buf, (size_t)sz, 0, 0);
        rc = st ? score_stream(ev, st, tot, err) : aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
        aiops_stream_free(st);
    }
    free(buf);
    if (a)
        archive_read_free(a);
    return rc;
}

static int results_files(aiops_eval *ev, const char *path, nab_tot *tot, aiops_err *err)
{
    aiops_entry *e = NULL;
    size_t ne = 0;
    int rc = aiops_entries_expand(&path, 1, &e, &ne, err);
    for (size_t i = 0; !rc && i < ne; i++) {
        const char *name = e[i].member ? e[i].member : e[i].path;
        if (!is_csv(name) || !for_detector(ev, name))
            continue;
        aiops_stream *st = NULL;
        rc = aiops_stream_open_entry(&e[i], 0, 0, &st, err);
        if (!rc)
            rc = score_stream(ev, st, tot, err);
        aiops_stream_free(st);
    }
    aiops_entries_free(e, ne);
    return rc;
}

static json_t *profile_json(const nab_tot *t, size_t p, double thr)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    const aiops_nab_profile *pr = &aiops_nab_profiles[p];
    int bad = ev_set(o, "threshold", ev_num(thr)) || ev_set(o, "raw", ev_num(t->raw[p])) ||
              ev_set(o, "score", ev_num(aiops_nab_normalize(t->raw[p], t->windows[p], pr))) ||
              ev_set(o, "detected", json_integer((json_int_t)t->detected[p])) ||
              ev_set(o, "missed", json_integer((json_int_t)(t->windows[p] - t->detected[p]))) ||
              ev_set(o, "fp_rows", json_integer((json_int_t)t->fp[p]));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *nab_json(const aiops_eval *ev, const nab_tot *t, const char *source,
                        const double *thr)
{
    json_t *o = json_object();
    size_t missing = 0, keys_windows = 0;
    for (size_t i = 0; i < ev->nnk; i++)
        if (!ev->nk[i].scored) {
            missing++;
            keys_windows += ev->nk[i].nw;
        }
    int bad = !o || ev_set(o, "source", json_string(source)) ||
              (ev->detector && ev_set(o, "detector", json_string(ev->detector))) ||
              ev_set(o, "files", json_integer((json_int_t)t->files)) ||
              ev_set(o, "rows", json_integer((json_int_t)t->rows)) ||
              ev_set(o, "windows", json_integer((json_int_t)t->windows[0])) ||
              ev_set(o, "windows_unscored", json_integer((json_int_t)t->unscored)) ||
              ev_set(o, "files_without_results", json_integer((json_int_t)missing)) ||
              ev_set(o, "windows_without_results", json_integer((json_int_t)keys_windows)) ||
              (thr && ev_set(o, "thresholds", json_string(t->sw ? "optimized"
                                                          : isnan(ev->fixed_thr) ? "thresholds.json"
                                                                                 : "fixed"))) ||
              (t->sw && ev_set(o, "thresholds_tried", json_integer((json_int_t)t->tried)));
    for (size_t p = 0; !bad && p < AIOPS_NAB_NPROFILES; p++)
        bad = ev_set(o, aiops_nab_profiles[p].name, profile_json(t, p, thr ? thr[p] : NAN));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The optimised thresholds and their totals, per profile. */
static int optimize(nab_tot *tot, double *thr, aiops_err *err)
{
    tot->unscored = aiops_nab_sweep_unscored(tot->sw);
    for (size_t p = 0; p < AIOPS_NAB_NPROFILES; p++) {
        aiops_nab_best b;
        int rc = aiops_nab_sweep_best(tot->sw, &aiops_nab_profiles[p], &b, err);
        if (rc)
            return rc;
        thr[p] = b.threshold;
        tot->raw[p] = b.score;
        tot->windows[p] = b.windows;
        tot->detected[p] = b.detected;
        tot->fp[p] = b.fp_rows;
        tot->tried = b.candidates;
    }
    return 0;
}

int aiops_eval_nab_results(aiops_eval *ev, const char *path, aiops_err *err)
{
    if (!ev->nnk)
        return aiops_err_set(err, AIOPS_EINVAL, path, 0, "NAB results need the NAB windows first");
    if (!ev->optimize && !ev->have_thr && isnan(ev->fixed_thr))
        return aiops_err_set(err, AIOPS_EINVAL, path, 0,
                             "NAB results need thresholds (thresholds.json, a fixed threshold, "
                             "or the optimised ones)");
    int arch = 0;
    nab_tot tot = {0};
    struct stat st;
    int rc = ev->optimize ? aiops_nab_sweep_new(&tot.sw, err) : 0;
    if (!rc && stat(path, &st) != 0)
        rc = aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open: %s", strerror(errno));
    else if (!rc && !S_ISDIR(st.st_mode))
        rc = aiops_path_is_archive(path, &arch, err);
    if (!rc)
        rc = arch ? results_archive(ev, path, &tot, err) : results_files(ev, path, &tot, err);
    if (!rc && tot.files == 0)
        rc = aiops_err_set(err, AIOPS_EINVAL, path, 0, "no result CSV files found");
    double thr[AIOPS_NAB_NPROFILES];
    for (size_t p = 0; p < AIOPS_NAB_NPROFILES; p++)
        thr[p] = threshold_of(ev, p);
    if (!rc && tot.sw)
        rc = optimize(&tot, thr, err);
    if (!rc) {
        json_decref(ev->nab_results);
        ev->nab_results = nab_json(ev, &tot, "results", thr);
        if (!ev->nab_results)
            rc = aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    }
    aiops_nab_sweep_free(tot.sw);
    return rc;
}

/* ---- NAB score of the stream under test: series rows are the samples,
 * detections the anomaly records, windows from the NAB file (by metric
 * name = file stem) or else from the labels that apply to the series. */

static size_t series_windows(const aiops_eval *ev, const aiops_series *s, aiops_window *w,
                             ev_nabkey **key)
{
    size_t n = 0;
    *key = NULL;
    if (ev->nnk) {
        for (size_t i = 0; i < ev->nnk && !*key; i++)
            if (!strcmp(ev->nk[i].metric, s->name))
                *key = &ev->nk[i];
        if (*key)
            memcpy(w, (*key)->w, (*key)->nw * sizeof *w);
        return *key ? (*key)->nw : 0;
    }
    for (size_t i = 0; i < ev->nlab; i++)
        if (ev_label_applies(&ev->lab[i], s))
            w[n++] = (aiops_window){ev->lab[i].start, ev->lab[i].end};
    return aiops_nab_windows_prepare(w, n);
}

static int score_series(const char *name, ev_series *es, const aiops_window *w, size_t nw,
                        nab_tot *tot, aiops_err *err)
{
    unsigned char *det = calloc(es->rows.n + 1, 1);
    if (!det)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_nab_mark(es->rows.v, es->rows.n, es->anom.v, es->anom.n, det);
    int rc = 0;
    for (size_t p = 0; !rc && p < AIOPS_NAB_NPROFILES; p++) {
        aiops_nab_result r;
        rc = aiops_nab_score(es->rows.v, det, es->rows.n, w, nw, &aiops_nab_profiles[p], &r, err);
        if (rc)
            aiops_err_locate(err, name, 0);
        else
            tot_add(tot, p, &r);
    }
    tot->files++;
    tot->rows += es->rows.n;
    free(det);
    return rc;
}

int ev_report_nab_stream(aiops_eval *ev, json_t *rep, aiops_err *err)
{
    if (ev->nab_results)
        return ev_set(rep, "nab", json_incref(ev->nab_results));
    if (!ev->samples || (!ev->nnk && !ev->nlab))
        return 0;
    size_t maxw = ev->nlab;
    for (size_t i = 0; i < ev->nnk; i++)
        maxw = ev->nk[i].nw > maxw ? ev->nk[i].nw : maxw;
    aiops_window *w = malloc((maxw + 1) * sizeof *w);
    nab_tot tot = {0};
    int rc = w ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t sid = 0; !rc && sid < ev->nser; sid++) {
        ev_series *es = &ev->ser[sid];
        ev_nabkey *key;
        if (!es->rows.n)
            continue;
        aiops_series *s = aiops_series_get(ev->tab, (uint32_t)sid);
        size_t nw = series_windows(ev, s, w, &key);
        if (ev->nnk && !key)
            continue;            /* not a NAB data file */
        rc = score_series(s->text, es, w, nw, &tot, err);
        if (!rc && key)
            key->scored = 1;
    }
    free(w);
    if (!rc && tot.files)
        rc = ev_set(rep, "nab", nab_json(ev, &tot, ev->nnk ? "stream+nab-windows" : "stream+labels", NULL))
                 ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    return rc;
}
