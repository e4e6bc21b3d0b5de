/* report_impl.h - aiops-report's engine inside: the records kept, the
 * incidents built from them, and the helpers the renderers share.  Not
 * part of the public API (report.h). */
#ifndef AIOPS_REPORT_IMPL_H
#define AIOPS_REPORT_IMPL_H

#include <stdint.h>

#include "report/report.h"
#include "graph/graph.h"

typedef struct rp_point {
    double ts, v;
} rp_point;
typedef struct rp_band {
    double ts, exp, lo, hi;
} rp_band;

/* Per series id: its points and bands, in stream order.  At most
 * RP_SERIES_POINTS of each are kept: when full, every other one is
 * dropped and from then on one in `stride` is kept (seen counts them), so
 * memory grows with the number of series, not with the archive's length,
 * and a chart of a long archive is drawn at a coarser step. */
#define RP_SERIES_POINTS 16384
typedef struct rp_series {
    rp_point *pts;
    size_t n, cap;
    rp_band *band;
    size_t nb, capb;
    uint64_t seen, seen_b, stride, stride_b;
} rp_series;

/* A kept record: type, time, series (anomaly; UINT32_MAX if none), and
 * its JSON fields (a reference held). */
typedef struct rp_rec {
    aiops_rtype type;
    double ts;
    uint32_t sid;
    json_t *obj;
} rp_rec;

/* What a timeline row is. */
enum { RP_T_ALERT, RP_T_RESOLVED, RP_T_ANOMALY, RP_T_EVENT, RP_T_PREDICTION, RP_T_MARK };

typedef struct rp_row {
    double ts;
    int kind;
    const char *what;       /* "alert", "anomaly", ... */
    char *text;             /* owned: plain text from the input (escaped when rendered) */
} rp_row;

typedef struct rp_metric {
    uint32_t sid;
    double peak;            /* highest anomaly score in the window */
    size_t anomalies;
} rp_metric;

typedef struct rp_inc {
    const char *id;         /* borrowed from its record */
    char file[96];          /* id made safe for a file name */
    char idbuf[32];         /* "incident-N" for a label without an id */
    const char *title;      /* NULL if none */
    const char *kind;       /* label kind, or NULL */
    const char *source;     /* "incident" or "label" */
    double ts, start, end, declared;   /* end, declared: NaN when unknown */
    json_t *rec;            /* incident (or label) record (borrowed) */
    json_t *label;          /* matching label (borrowed) or NULL */
    json_t *rca, *summary;  /* borrowed or NULL */
    char **svc;             /* services of the incident (owned): its own first (the
                               incident's and its label's), sorted, then the root-cause
                               candidates that are not among them, sorted */
    size_t nsvc;
    size_t nown;            /* svc[0..nown): the incident's own services, the ones shown
                               and handed off; the candidates only widen what is collected */
    const char *root;       /* best rca candidate, else the label's root cause */
    /* computed */
    double from, to;        /* the window shown */
    double first_anom, first_alert;    /* first detection in [start - context, end]: NaN */
    size_t alerts, alerts_related, anomalies, events, predictions;
    double peak;
    const char *severity;   /* critical, error, warning, info */
    rp_row *rows;
    size_t nrows, caprows;
    rp_metric *met;
    size_t nmet, capmet;
} rp_inc;

struct aiops_report {
    aiops_report_opts o;
    aiops_series_table *tab;     /* borrowed */
    rp_series *ser;
    size_t nser, capser;
    size_t points;
    rp_rec *rec;
    size_t nrec, caprec;
    rp_inc *inc;
    size_t ninc, capinc;
    aiops_graph *graph;          /* from spans or the graph file; NULL */
    json_t *eval;                /* the last eval record (borrowed from rec) */
    json_t *groups;              /* --groups (owned) */
    int finished;
};

/* report_model.c */
int rp_build(aiops_report *r, aiops_err *err);
void rp_inc_clear(rp_inc *in);
/* Text of a record field, or NULL. */
const char *rp_str(const json_t *o, const char *key);
double rp_num(const json_t *o, const char *key);      /* NaN if absent */
/* The service of a kept record (field "service", else the series'). */
const char *rp_service(const aiops_report *r, const rp_rec *x);
int rp_has_svc(const rp_inc *in, const char *svc);
/* Duration as "2 h 5 min", "40 s". */
void rp_dur(aiops_buf *b, double sec);
/* UTC time "2024-01-02 03:04:05Z". */
void rp_time(aiops_buf *b, double t);
/* The deterministic summary paragraph, plain text (escape it). */
void rp_summary_text(const aiops_report *r, const rp_inc *in, aiops_buf *b);
/* what went well / wrong / action items: plain-text lines joined by '\n'. */
void rp_lessons(const aiops_report *r, const rp_inc *in, aiops_buf *well, aiops_buf *wrong,
                aiops_buf *act);

/* report_chart.c: gnuplot.  Each chart's SVG into out[i] (caller frees
 * them); *n charts.  A missing gnuplot is AIOPS_EINVAL naming the
 * package. */
typedef struct rp_chart {
    char *svg;
    size_t len;
    char caption[512];      /* plain text from the input: escape it */
} rp_chart;
int rp_charts_incident(const aiops_report *r, const rp_inc *in, rp_chart **out, size_t *n,
                       aiops_err *err);
/* gnuplot over prepared data files: script text (paths are placeholders
 * "@0@", "@1@", ... replaced by the data files' quoted paths; "@OUT@" by
 * the output's); data[i] the files' contents.  The SVG into *svg. */
int rp_gnuplot(const char *prog, const char *script, const aiops_buf *data, size_t ndata,
               char **svg, size_t *len, aiops_err *err);
void rp_charts_free(rp_chart *c, size_t n);

/* report_graph.c: the service graph around an incident as inline SVG. */
void rp_graph_svg(const aiops_report *r, const rp_inc *in, aiops_buf *b);

/* report_html.c */
void rp_base64(aiops_buf *b, const char *s, size_t n);
int rp_write_file(const char *dir, const char *name, const aiops_buf *b, aiops_err *err);
void rp_html_head(aiops_buf *b, const char *title);

#endif
