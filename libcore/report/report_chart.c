/* report_chart.c - charts by running gnuplot as a program (posix_spawnp
 * with an argv, never a shell).  The data and the script are files in a
 * fresh directory under $TMPDIR, removed on every path out (on a signal by
 * aiops_tmp_cleanup, common/ofile.h).  Nothing from
 * the input reaches the script: it holds numbers we computed and the
 * paths of our own files; captions (with input text) are rendered by the
 * caller, escaped. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/ofile.h"
#include "report/report_impl.h"

extern char **environ;

#define RP_MAX_SVG ((size_t)64 << 20)

/* path as a gnuplot single-quoted string ('' is a quote inside). */
static void gp_quote(aiops_buf *b, const char *s)
{
    aiops_buf_str(b, "'");
    for (; *s; s++)
        aiops_buf_put(b, s, 1 + (*s == '\''));
    aiops_buf_str(b, "'");
}

static int slurp(const char *path, size_t cap, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    aiops_buf b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && b.n <= cap)
        aiops_buf_put(&b, tmp, n);
    int bad = ferror(f) || b.oom || b.n > cap;
    fclose(f);
    if (bad) {
        aiops_buf_free(&b);
        return -1;
    }
    *out = b.p ? b.p : strdup("");
    *len = b.n;
    return *out ? 0 : -1;
}

/* Our temporary files are listed for removal on a signal (common/ofile.h)
 * from before they exist until they are gone. */
static int put_file(const char *path, const char *s, size_t n)
{
    aiops_tmp_add(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, s + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    return close(fd);
}

int rp_gnuplot(const char *prog, const char *script, const aiops_buf *data, size_t ndata,
               char **svg, size_t *len, aiops_err *err)
{
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/aiops-report.XXXXXX", aiops_tmp_dir());
    if (!mkdtemp(dir))
        return aiops_err_set(err, AIOPS_EIO, dir, 0, "cannot make a temporary directory: %s", strerror(errno));
    aiops_tmp_add(dir);
    int rc = 0;
    size_t made = 0;
    aiops_buf sc = {0};
    for (; made < ndata && !rc; made++) {
        snprintf(path, sizeof path, "%s/d%zu.dat", dir, made);
        if (put_file(path, data[made].p ? data[made].p : "", data[made].n))
            rc = aiops_err_set(err, AIOPS_EIO, path, 0, "cannot write: %s", strerror(errno));
    }
    /* the script with its placeholders replaced */
    for (const char *p = script; !rc && *p;) {
        const char *at = strchr(p, '@');
        if (!at) {
            aiops_buf_str(&sc, p);
            break;
        }
        aiops_buf_put(&sc, p, (size_t)(at - p));
        const char *close_at = strchr(at + 1, '@');
        if (close_at && !strncmp(at, "@OUT@", 5)) {
            snprintf(path, sizeof path, "%s/out.svg", dir);
            gp_quote(&sc, path);
        } else if (close_at && close_at > at + 1 && close_at - at < 6) {
            size_t i = (size_t)strtoul(at + 1, NULL, 10);
            snprintf(path, sizeof path, "%s/d%zu.dat", dir, i);
            gp_quote(&sc, path);
        } else {
            aiops_buf_put(&sc, "@", 1);
            p = at + 1;
            continue;
        }
        p = close_at + 1;
    }
    char gp[4200], out[4200], errf[4200];
    snprintf(gp, sizeof gp, "%s/plot.gp", dir);
    snprintf(out, sizeof out, "%s/out.svg", dir);
    snprintf(errf, sizeof errf, "%s/err.txt", dir);
    aiops_tmp_add(out);
    aiops_tmp_add(errf);
    if (!rc && (sc.oom || put_file(gp, sc.p ? sc.p : "", sc.n)))
        rc = aiops_err_set(err, AIOPS_EIO, gp, 0, "cannot write the gnuplot script");
    aiops_buf_free(&sc);
    if (!rc) {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        char *argv[] = {(char *)prog, gp, NULL};
        pid_t pid;
        int e = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        int st = 0;
        if (e == ENOENT)
            rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                               "%s: not found: charts need gnuplot (Debian package gnuplot-nox: "
                               "apt-get install gnuplot-nox), or --no-charts", prog);
        else if (e)
            rc = aiops_err_set(err, AIOPS_EIO, NULL, 0, "cannot run %s: %s", prog, strerror(e));
        else {
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            if (!WIFEXITED(st) || WEXITSTATUS(st)) {
                char *msg = NULL;
                size_t ml = 0;
                if (slurp(errf, 4096, &msg, &ml))
                    msg = NULL;
                char *nl = msg ? strchr(msg, '\n') : NULL;
                while (nl && nl == msg) {   /* first non-empty line */
                    msg[0] = ' ';
                    nl = strchr(msg + 1, '\n');
                }
                rc = aiops_err_set(err, AIOPS_EIO, NULL, 0, "%s failed (status %d)%s%.300s", prog,
                                   WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
                                   msg && *msg ? ": " : "", msg ? msg : "");
                free(msg);
            } else if (slurp(out, RP_MAX_SVG, svg, len))
                rc = aiops_err_set(err, AIOPS_EIO, out, 0, "%s wrote no chart", prog);
        }
    }
    for (size_t i = 0; i < made; i++) {
        snprintf(path, sizeof path, "%s/d%zu.dat", dir, i);
        unlink(path);
        aiops_tmp_forget(path);
    }
    const char *const ours[] = {gp, out, errf};
    for (size_t i = 0; i < 3; i++) {
        unlink(ours[i]);
        aiops_tmp_forget(ours[i]);
    }
    rmdir(dir);
    aiops_tmp_forget(dir);
    return rc;
}

void rp_charts_free(rp_chart *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++)
        free(c[i].svg);
    free(c);
}

static void dnum(aiops_buf *b, double v)
{
    char nb[32];
    aiops_fmt_double(v, nb);
    aiops_buf_str(b, nb);
}

static const char *gp_head =
    "set terminal svg size 760,280 fixed font 'Helvetica,11' background '#ffffff'\n"
    "set output @OUT@\n"
    "set encoding utf8\n"
    "set grid lc rgb '#dddddd'\n"
    "set key top left horizontal noenhanced\n"
    "set border lc rgb '#555555'\n"
    "set datafile missing 'NaN'\n"
    "set offsets 0, 0, graph 0.08, graph 0.02\n";

/* One key metric: values, expected value and band, anomaly points,
 * the incident window and deploy markers.  x: minutes from the start. */
static int metric_chart(const aiops_report *r, const rp_inc *in, const rp_metric *m, rp_chart *c,
                        aiops_err *err)
{
    const rp_series *s = m->sid < r->nser ? &r->ser[m->sid] : NULL;
    aiops_buf d[3] = {{0}}, sc = {0};
    size_t np = 0, nb = 0, na = 0;
    for (size_t i = 0; s && i < s->n; i++)
        if (s->pts[i].ts >= in->from && s->pts[i].ts <= in->to && isfinite(s->pts[i].v)) {
            dnum(&d[0], (s->pts[i].ts - in->start) / 60);
            aiops_buf_str(&d[0], " ");
            dnum(&d[0], s->pts[i].v);
            aiops_buf_str(&d[0], "\n");
            np++;
        }
    for (size_t i = 0; s && i < s->nb; i++)
        if (s->band[i].ts >= in->from && s->band[i].ts <= in->to && isfinite(s->band[i].lo) &&
            isfinite(s->band[i].hi)) {
            dnum(&d[1], (s->band[i].ts - in->start) / 60);
            double v[3] = {s->band[i].exp, s->band[i].lo, s->band[i].hi};
            for (int k = 0; k < 3; k++) {
                aiops_buf_str(&d[1], " ");
                dnum(&d[1], isfinite(v[k]) ? v[k] : NAN);
            }
            aiops_buf_str(&d[1], "\n");
            nb++;
        }
    for (size_t i = 0; i < r->nrec; i++) {
        const rp_rec *x = &r->rec[i];
        const char *st = rp_str(x->obj, "state");
        if (x->type != AIOPS_R_ANOMALY || x->sid != m->sid || x->ts < in->from || x->ts > in->to ||
            (st && strcmp(st, "firing")) || !isfinite(rp_num(x->obj, "value")))
            continue;
        dnum(&d[2], (x->ts - in->start) / 60);
        aiops_buf_str(&d[2], " ");
        dnum(&d[2], rp_num(x->obj, "value"));
        aiops_buf_str(&d[2], "\n");
        na++;
    }
    aiops_buf_str(&sc, gp_head);
    aiops_buf_str(&sc, "set xlabel 'minutes from the incident start'\nset xrange [");
    dnum(&sc, (in->from - in->start) / 60);
    aiops_buf_str(&sc, ":");
    dnum(&sc, (in->to - in->start) / 60);
    aiops_buf_str(&sc, "]\nset object 1 rect from 0, graph 0 to ");
    dnum(&sc, ((isnan(in->end) ? in->to : in->end) - in->start) / 60);
    aiops_buf_str(&sc, ", graph 1 behind fc rgb '#fbe3df' fs solid 1.0 noborder\n");
    int arrows = 0;
    for (size_t i = 0; i < in->nrows; i++)
        if (!strcmp(in->rows[i].what, "deploy") || !strcmp(in->rows[i].what, "declared")) {
            int dep = !strcmp(in->rows[i].what, "deploy");
            aiops_buf_printf(&sc, "set arrow %d from ", ++arrows);
            dnum(&sc, (in->rows[i].ts - in->start) / 60);
            aiops_buf_str(&sc, ", graph 0 to ");
            dnum(&sc, (in->rows[i].ts - in->start) / 60);
            aiops_buf_printf(&sc, ", graph 1 nohead lw 1.5 dt 2 lc rgb '%s'\n", dep ? "#7b3294" : "#555555");
        }
    aiops_buf_str(&sc, "plot ");
    int any = 0;
    if (nb) {
        aiops_buf_str(&sc, "@1@ using 1:3:4 with filledcurves fc rgb '#cfe3f7' title 'band', "
                           "@1@ using 1:2 with lines lw 1.2 dt 2 lc rgb '#2c7bb6' title 'expected'");
        any = 1;
    }
    if (np) {
        aiops_buf_printf(&sc, "%s@0@ using 1:2 with lines lw 1.2 lc rgb '#222222' title 'value'", any ? ", " : "");
        any = 1;
    }
    if (na) {
        aiops_buf_printf(&sc, "%s@2@ using 1:2 with points pt 7 ps 0.7 lc rgb '#d7191c' title 'anomaly'", any ? ", " : "");
        any = 1;
    }
    if (arrows) {
        aiops_buf_printf(&sc, "%sNaN with lines lw 1.5 dt 2 lc rgb '#7b3294' title 'deploy / declared'", any ? ", " : "");
    }
    aiops_buf_str(&sc, "\n");
    int rc = 0;
    if (!any)
        c->svg = NULL;
    else if (sc.oom || d[0].oom || d[1].oom || d[2].oom)
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    else
        rc = rp_gnuplot(r->o.gnuplot, sc.p, d, 3, &c->svg, &c->len, err);
    const char *txt = aiops_series_get(r->tab, m->sid)->text;
    snprintf(c->caption, sizeof c->caption, "%.400s: %zu points, %zu band points%s, %zu anomal%s (peak score %.3g)",
             txt, np, nb, nb ? "" : " (run aiops-fit --bands for the band)", na, na == 1 ? "y" : "ies", m->peak);
    for (int k = 0; k < 3; k++)
        aiops_buf_free(&d[k]);
    aiops_buf_free(&sc);
    return rc;
}

/* Alerts per bin (firing alerts) over [from, to], the incidents shaded. */
static int storm_chart(const aiops_report *r, double from, double to, const rp_inc *only,
                       rp_chart *c, aiops_err *err)
{
    double span = to - from, bin = 60;
    while (span / bin > 400)
        bin *= 2;
    size_t nbins = (size_t)(span / bin) + 1, total = 0;
    size_t *cnt = calloc(nbins, sizeof *cnt);
    if (!cnt)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < r->nrec; i++) {
        const rp_rec *x = &r->rec[i];
        const char *st = rp_str(x->obj, "state");
        if (x->type != AIOPS_R_ALERT || (st && strcmp(st, "firing")) || x->ts < from || x->ts > to)
            continue;
        cnt[(size_t)((x->ts - from) / bin)]++;
        total++;
    }
    c->svg = NULL;
    if (!total) {        /* no alert fired: no storm to draw (gnuplot cannot plot nothing) */
        free(cnt);
        return 0;
    }
    int hours = span > 6 * 3600;
    double unit = hours ? 3600 : 60, zero = only ? only->start : from;
    aiops_buf d = {0}, sc = {0};
    for (size_t i = 0; i < nbins; i++)
        if (cnt[i]) {
            dnum(&d, (from + (double)i * bin + bin / 2 - zero) / unit);
            aiops_buf_printf(&d, " %zu\n", cnt[i]);
        }
    free(cnt);
    aiops_buf_str(&sc, gp_head);
    aiops_buf_printf(&sc, "set xlabel '%s'\nset ylabel 'firing alerts per %g min'\nset yrange [0:*]\nset xrange [",
                     hours ? (only ? "hours from the incident start" : "hours from the first record shown")
                           : (only ? "minutes from the incident start" : "minutes from the first record shown"),
                     bin / 60);
    dnum(&sc, (from - zero) / unit);
    aiops_buf_str(&sc, ":");
    dnum(&sc, (to - zero) / unit);
    aiops_buf_str(&sc, "]\nset style fill solid 0.8 noborder\nset boxwidth ");
    dnum(&sc, bin / unit * 0.9);
    aiops_buf_str(&sc, "\n");
    int obj = 0;
    for (size_t i = 0; i < r->ninc; i++) {
        const rp_inc *in = &r->inc[i];
        if (only && in != only)
            continue;
        double e = isnan(in->end) ? in->start + bin : in->end;
        if (e < from || in->start > to)
            continue;
        aiops_buf_printf(&sc, "set object %d rect from ", ++obj);
        dnum(&sc, (in->start - zero) / unit);
        aiops_buf_str(&sc, ", graph 0 to ");
        dnum(&sc, (e - zero) / unit);
        aiops_buf_str(&sc, ", graph 1 behind fc rgb '#fbe3df' fs solid 1.0 noborder\n");
    }
    aiops_buf_str(&sc, "plot @0@ using 1:2 with boxes lc rgb '#e66101' title 'alerts', "
                       "NaN with boxes lc rgb '#fbe3df' title 'incidents'\n");
    int rc = sc.oom || d.oom ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory")
                             : rp_gnuplot(r->o.gnuplot, sc.p, &d, 1, &c->svg, &c->len, err);
    snprintf(c->caption, sizeof c->caption, "Alert storm: %zu firing alerts, per %g min, incidents shaded",
             total, bin / 60);
    aiops_buf_free(&d);
    aiops_buf_free(&sc);
    return rc;
}

int rp_charts_incident(const aiops_report *r, const rp_inc *in, rp_chart **out, size_t *n,
                       aiops_err *err)
{
    size_t want = (in->nmet < r->o.max_charts ? in->nmet : r->o.max_charts) + 1, k = 0;
    rp_chart *c = calloc(want, sizeof *c);
    if (!c)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int rc = 0;
    for (size_t i = 0; i + 1 < want && !rc; i++) {
        rc = metric_chart(r, in, &in->met[i], &c[k], err);
        if (!rc && c[k].svg)
            k++;
    }
    if (!rc) {
        rc = storm_chart(r, in->from, in->to, in, &c[k], err);
        if (!rc && c[k].svg)
            k++;
    }
    if (rc) {
        rp_charts_free(c, want);
        return rc;
    }
    *out = c;
    *n = k;
    return 0;
}

/* The index's chart: alerts per minute over everything, incidents shaded. */
int rp_chart_storm_all(const aiops_report *r, rp_chart *c, aiops_err *err);
int rp_chart_storm_all(const aiops_report *r, rp_chart *c, aiops_err *err)
{
    double from = INFINITY, to = -INFINITY;
    for (size_t i = 0; i < r->nrec; i++)
        if (r->rec[i].type == AIOPS_R_ALERT || r->rec[i].type == AIOPS_R_ANOMALY) {
            from = fmin(from, r->rec[i].ts);
            to = fmax(to, r->rec[i].ts);
        }
    for (size_t i = 0; i < r->ninc; i++) {
        from = fmin(from, r->inc[i].from);
        to = fmax(to, r->inc[i].to);
    }
    if (!(from < to)) {
        c->svg = NULL;
        return 0;
    }
    return storm_chart(r, from, to, NULL, c, err);
}
