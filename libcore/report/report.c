/* report.c - aiops-report's engine: options, collecting records. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/array.h"
#include "report/report_impl.h"

void aiops_report_opts_default(aiops_report_opts *o)
{
    *o = (aiops_report_opts){.charts = 1, .gnuplot = "gnuplot", .context = 1800,
                             .max_points = (size_t)8 << 20, .max_records = (size_t)1 << 20,
                             .max_charts = 4};
}

int aiops_report_new(aiops_report **out, const aiops_report_opts *o, aiops_err *err)
{
    aiops_report *r = calloc(1, sizeof *r);
    if (!r)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    r->o = *o;
    int rc = 0;
    if (o->graph_file)
        rc = aiops_graph_read(&r->graph, o->graph_file, err);
    if (!rc && o->groups_file) {
        json_error_t je;
        r->groups = json_load_file(o->groups_file, 0, &je);
        if (!json_is_object(r->groups))
            rc = aiops_err_set(err, AIOPS_EPARSE, o->groups_file, r->groups ? 1 : je.line,
                               "expected a JSON object of service -> assignment group%s%s",
                               r->groups ? "" : ": ", r->groups ? "" : je.text);
        const char *k;
        json_t *v;
        if (!rc)
            json_object_foreach(r->groups, k, v) if (!json_is_string(v)) {
                rc = aiops_err_set(err, AIOPS_EPARSE, o->groups_file, 0,
                                   "\"%.80s\": expected a string (the assignment group)", k);
                break;
            }
    }
    if (rc) {
        aiops_report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void aiops_report_free(aiops_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nser; i++) {
        free(r->ser[i].pts);
        free(r->ser[i].band);
    }
    free(r->ser);
    for (size_t i = 0; i < r->nrec; i++)
        json_decref(r->rec[i].obj);
    free(r->rec);
    for (size_t i = 0; i < r->ninc; i++)
        rp_inc_clear(&r->inc[i]);
    free(r->inc);
    aiops_graph_free(r->graph);
    json_decref(r->groups);
    free(r);
}

static int series_slot(aiops_report *r, uint32_t sid, rp_series **s, aiops_err *err)
{
    if (AIOPS_GROW_ZERO(r->ser, r->capser, (size_t)sid + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (r->nser <= sid)
        r->nser = (size_t)sid + 1;
    *s = &r->ser[sid];
    return 0;
}

/* Keep every other element of v[0..*n) (a series that filled its slots). */
#define RP_HALVE(v, n)                                   \
    do {                                                 \
        size_t k_ = 0;                                   \
        for (size_t i_ = 0; i_ < *(n); i_ += 2)          \
            (v)[k_++] = (v)[i_];                         \
        r->points -= *(n) - k_;                          \
        *(n) = k_;                                       \
    } while (0)

/* 1 when this point of the series is kept (the stride thins long series). */
static int thin(aiops_report *r, uint64_t *seen, uint64_t *stride, size_t *n, int band, rp_series *s)
{
    if (!*stride)
        *stride = 1;
    if ((*seen)++ % *stride)
        return 0;
    if (*n >= RP_SERIES_POINTS) {
        if (band)
            RP_HALVE(s->band, n);
        else
            RP_HALVE(s->pts, n);
        *stride *= 2;
        return (*seen - 1) % *stride == 0;
    }
    return 1;
}

static int points_cap(aiops_report *r, aiops_err *err)
{
    if (++r->points > r->o.max_points)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0,
                             "more than %zu sample and band points (--max-points)", r->o.max_points);
    return 0;
}

/* The series of a band or anomaly record: "series", or "name" + "labels". */
static int record_sid(aiops_series_table *tab, const json_t *o, uint32_t *sid, aiops_err *err)
{
    json_t *s = json_object_get(o, "series"), *name = json_object_get(o, "name"),
           *labels = json_object_get(o, "labels");
    if (json_is_string(s))
        return aiops_series_intern_text(tab, json_string_value(s), json_string_length(s), sid, err);
    if (!json_is_string(name) && !json_is_object(labels))
        return 1;
    aiops_label lab[256];
    size_t k = 0;
    const char *key;
    json_t *v;
    if (json_is_object(labels))
        json_object_foreach(labels, key, v) {
            if (k == 256)
                return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "more than 256 labels");
            if (json_is_string(v))
                lab[k++] = (aiops_label){key, json_string_value(v)};
        }
    return aiops_series_intern_labels(tab, json_is_string(name) ? json_string_value(name) : "", lab,
                                      k, sid, err);
}

int aiops_report_add(aiops_report *r, aiops_series_table *tab, const aiops_record *rec,
                     aiops_err *err)
{
    r->tab = tab;
    rp_series *s;
    int rc;
    switch (rec->type) {
    case AIOPS_R_SAMPLE:
        if ((rc = series_slot(r, rec->sid, &s, err)))
            return rc;
        if (!thin(r, &s->seen, &s->stride, &s->n, 0, s))
            return 0;
        if ((rc = points_cap(r, err)))
            return rc;
        if (AIOPS_GROW(s->pts, s->cap, s->n + 1))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        s->pts[s->n++] = (rp_point){rec->ts, rec->value};
        return 0;
    case AIOPS_R_SPAN:
        if (r->o.graph_file)
            return 0;
        if (!r->graph) {
            aiops_graph_opts go;
            aiops_graph_opts_default(&go);
            if ((rc = aiops_graph_new(&r->graph, &go, err)))
                return rc;
        }
        rc = aiops_graph_add_record(r->graph, rec, err);
        return rc < 0 ? rc : 0;
    case AIOPS_R_BAND: {
        uint32_t sid;
        double e = rp_num(rec->obj, "expected"), lo = rp_num(rec->obj, "lower"),
               hi = rp_num(rec->obj, "upper");
        if ((rc = record_sid(tab, rec->obj, &sid, err)) != 0)
            return rc < 0 ? rc : 0;
        if (json_is_true(json_object_get(rec->obj, "forecast")))
            return 0;
        if ((rc = series_slot(r, sid, &s, err)))
            return rc;
        if (!thin(r, &s->seen_b, &s->stride_b, &s->nb, 1, s))
            return 0;
        if ((rc = points_cap(r, err)))
            return rc;
        if (AIOPS_GROW(s->band, s->capb, s->nb + 1))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        s->band[s->nb++] = (rp_band){rec->ts, e, lo, hi};
        return 0;
    }
    case AIOPS_R_ANOMALY:
    case AIOPS_R_ALERT:
    case AIOPS_R_EVENT:
    case AIOPS_R_PREDICTION:
    case AIOPS_R_INCIDENT:
    case AIOPS_R_RCA:
    case AIOPS_R_SUMMARY:
    case AIOPS_R_LABEL:
    case AIOPS_R_OTHER:
        break;
    default:
        return 0;
    }
    if (rec->type == AIOPS_R_OTHER) {
        const char *t = rp_str(rec->obj, "type");
        if (!t || strcmp(t, "eval"))
            return 0;
    }
    if (r->nrec >= r->o.max_records)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0,
                             "more than %zu alert, anomaly, event and incident records (--max-records)",
                             r->o.max_records);
    uint32_t sid = UINT32_MAX;
    if (rec->type == AIOPS_R_ANOMALY && (rc = record_sid(tab, rec->obj, &sid, err)) != 0) {
        if (rc < 0)
            return rc;
        sid = UINT32_MAX;
    }
    if (AIOPS_GROW(r->rec, r->caprec, r->nrec + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    r->rec[r->nrec++] = (rp_rec){rec->type, rec->ts, sid, json_incref(rec->obj)};
    if (rec->type == AIOPS_R_OTHER)
        r->eval = rec->obj;
    return 0;
}

int aiops_report_finish(aiops_report *r, aiops_err *err)
{
    int rc = 0;
    if (r->graph && !r->o.graph_file)
        rc = aiops_graph_finish(r->graph, err);
    if (!rc)
        rc = rp_build(r, err);
    r->finished = 1;
    return rc;
}

size_t aiops_report_incidents(const aiops_report *r)
{
    return r->ninc;
}
