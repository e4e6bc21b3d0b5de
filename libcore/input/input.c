/* input.c - expand command-line inputs (files, "-", directories, archives)
 * into the list of entries the reader merges.  Archives are scanned once for
 * their member list (headers only; compressed ones are decompressed but not
 * stored) so every member can later be streamed by its own handle. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/array.h"
#include "common/buf.h"
#include "common/limits.h"
#include "input/input.h"

#define MAX_DEPTH 64


typedef struct list {
    aiops_entry *v;
    size_t n, cap;
    aiops_probe_fn probe;
    void *probe_ctx;
    const char *const *members;
    const char *index_key;
} list;

/* --members: does this member or file name pass the globs? */
/* A listing that failed: the decompression limit a thread tripped
 * (zthread.c), else libarchive's words. */
static int bad_archive(struct archive *a, const char *path, aiops_err *err)
{
    if (aiops_limit_tripped())
        return aiops_err_set(err, AIOPS_ELIMIT, path, 0, "%s", aiops_limit_tripped());
    return aiops_err_set(err, AIOPS_EIO, path, 0, "bad archive: %s",
                         archive_error_string(a) ? archive_error_string(a) : "?");
}

static int wanted(const list *l, const char *name)
{
    if (!l->members)
        return 1;
    for (size_t i = 0; l->members[i]; i++)
        if (fnmatch(l->members[i], name, 0) == 0)
            return 1;
    return 0;
}

static int push(list *l, aiops_entry_kind kind, const char *path, const char *member,
                long index, double mtime, int nested, aiops_err *err)
{
    if (AIOPS_GROW(l->v, l->cap, l->n + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    aiops_entry *e = &l->v[l->n];
    e->kind = kind;
    e->path = strdup(path);
    e->member = member ? strdup(member) : NULL;
    e->index = index;
    e->mtime = mtime;
    e->first_ts = -INFINITY;
    e->nested = nested;
    if (!e->path || (member && !e->member)) {
        free(e->path);
        free(e->member);
        return aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    }
    l->n++;
    return 0;
}

/* ------------------------------------------- the listing kept beside */

#define INDEX_MAGIC "aiops-index 1"

/* What identifies the archive and the options: "size mtime.ns key". */
static void index_id(const char *path, const char *key, aiops_buf *b)
{
    struct stat st;
    if (stat(path, &st) == 0)
        aiops_buf_printf(b, "%s\t%lld\t%lld.%09ld\t", INDEX_MAGIC, (long long)st.st_size,
                         (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    aiops_buf_str(b, key);
}

static int parse_field(char **p, double *v)
{
    char *t = strchr(*p, '\t');
    if (!t)
        return -1;
    int rc = aiops_parse_double(*p, (size_t)(t - *p), v);
    *p = t + 1;
    return rc;
}

/* The archive's entries from its index: 1 when used, 0 when there is no
 * usable one (absent, stale, other options, unreadable), <0 out of memory. */
static int index_load(list *l, const char *path, aiops_err *err)
{
    aiops_buf name = {0}, id = {0};
    aiops_buf_printf(&name, "%s.aiops-index", path);
    index_id(path, l->index_key, &id);
    FILE *f = name.oom ? NULL : fopen(name.p, "r");
    char *line = NULL;
    size_t cap = 0, first = l->n;
    ssize_t n;
    int rc = 0;
    if (!f || id.oom || (n = getline(&line, &cap, f)) <= 0 || (size_t)n != id.n + 1 ||
        memcmp(line, id.p, id.n) != 0)
        goto out;
    int done = 0;
    while (rc == 0 && !done && (n = getline(&line, &cap, f)) > 0) {
        double index, mtime, first_ts, nested, has_member;
        char *p = line;
        if (n == 3 && memcmp(line, "end", 3) == 0) {     /* written whole */
            done = 1;
            break;
        }
        if (line[n - 1] != '\n' || parse_field(&p, &index) || parse_field(&p, &mtime) ||
            parse_field(&p, &first_ts) || parse_field(&p, &nested) ||
            parse_field(&p, &has_member))
            break;
        line[n - 1] = 0;
        rc = push(l, AIOPS_ENTRY_MEMBER, path, has_member ? p : NULL, (long)index, mtime,
                  nested != 0, err);
        if (!rc)
            l->v[l->n - 1].first_ts = first_ts;
    }
    if (rc == 0 && done && getline(&line, &cap, f) < 0) {
        rc = 1;
    } else if (rc == 0) {    /* a torn or foreign file: list the archive */
        while (l->n > first) {
            l->n--;
            free(l->v[l->n].path);
            free(l->v[l->n].member);
        }
    }
out:
    if (f)
        fclose(f);
    free(line);
    aiops_buf_free(&name);
    aiops_buf_free(&id);
    return rc;
}

/* Write entries [first, l->n) of the archive to its index (best effort:
 * written whole to a temporary name, then renamed). */
static void index_save(const list *l, const char *path, size_t first)
{
    aiops_buf b = {0}, name = {0}, tmp = {0};
    index_id(path, l->index_key, &b);
    aiops_buf_put(&b, "\n", 1);
    for (size_t i = first; i < l->n; i++) {
        const aiops_entry *e = &l->v[i];
        if (e->member && strpbrk(e->member, "\t\n"))
            goto out;           /* a name the format cannot hold */
        char ts[40], mt[40];
        aiops_fmt_double(e->first_ts, ts);
        aiops_fmt_double(e->mtime, mt);
        aiops_buf_printf(&b, "%ld\t%s\t%s\t%d\t%d\t%s\n", e->index, mt, ts, e->nested,
                         e->member != NULL, e->member ? e->member : "");
    }
    aiops_buf_str(&b, "end");
    aiops_buf_printf(&name, "%s.aiops-index", path);
    aiops_buf_printf(&tmp, "%s.aiops-index.tmp", path);
    if (b.oom || name.oom || tmp.oom)
        goto out;
    FILE *f = fopen(tmp.p, "w");
    if (!f)
        goto out;
    int ok = fwrite(b.p, 1, b.n, f) == b.n;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp.p, name.p) != 0)
        remove(tmp.p);
out:
    aiops_buf_free(&b);
    aiops_buf_free(&name);
    aiops_buf_free(&tmp);
}

static int list_archive(list *l, const char *path, int depth, aiops_err *err);

static int add_archive(list *l, const char *path, int depth, aiops_err *err)
{
    if (!l->index_key)
        return list_archive(l, path, depth, err);
    int rc = index_load(l, path, err);
    if (rc)
        return rc < 0 ? rc : 0;
    size_t first = l->n;
    rc = list_archive(l, path, depth, err);
    if (!rc)
        index_save(l, path, first);
    return rc;
}

static int list_archive(list *l, const char *path, int depth, aiops_err *err)
{
    struct archive *a = aiops_archive_reader();
    if (!a)
        return aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    int rc = 0;
    if (aiops_archive_open(a, path) != ARCHIVE_OK) {
        rc = aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open archive: %s",
                           archive_error_string(a));
        goto out;
    }
    struct archive_entry *ae;
    long index = 0;
    for (;;) {
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            rc = bad_archive(a, path, err);
            goto out;
        }
        int raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
        if (raw || archive_entry_filetype(ae) == AE_IFREG) {
            const char *m = raw ? NULL : archive_entry_pathname(ae);
            if (!raw && !wanted(l, m ? m : "?")) {
                index++;                /* indexes count every regular member */
                if (archive_read_data_skip(a) < ARCHIVE_WARN) {
                    rc = bad_archive(a, path, err);
                    goto out;
                }
                continue;
            }
            double mt = archive_entry_mtime_is_set(ae) ? (double)archive_entry_mtime(ae) : 0;
            if ((rc = push(l, AIOPS_ENTRY_MEMBER, path, raw ? NULL : (m ? m : "?"), index, mt,
                            !raw || depth > 0, err)))
                goto out;
            if (l->probe) {
                /* Peek at the member's first records while its data goes by
                 * anyway, so the reader can open it only when needed. */
                aiops_stream *st = aiops_stream_wrap_archive(a, path, ae, index, 0, 0);
                if (st)
                    l->v[l->n - 1].first_ts = l->probe(l->probe_ctx, st);
                aiops_stream_free(st);
            }
            index++;
        }
        if (raw)
            break;              /* a compressed single file has one member */
        /* Headers only: libarchive skips (or decompresses past) the data. */
        if (archive_read_data_skip(a) < ARCHIVE_WARN) {
            rc = bad_archive(a, path, err);
            goto out;
        }
    }
out:
    archive_read_free(a);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_path(list *l, const char *path, int depth, aiops_err *err);

static int add_dir(list *l, const char *path, int depth, aiops_err *err)
{
    if (depth > MAX_DEPTH)
        return aiops_err_set(err, AIOPS_EINVAL, path, 0,
                             "directories nested deeper than %d (a symlink loop?)", MAX_DEPTH);
    DIR *d = opendir(path);
    if (!d)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open directory: %s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')       /* ., .., and hidden files */
            continue;
        if (AIOPS_GROW(names, cap, n + 1)) {
            rc = aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
            break;
        }
        size_t len = strlen(path) + strlen(de->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            rc = aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
            break;
        }
        snprintf(names[n], len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                 de->d_name);
        n++;
    }
    closedir(d);
    if (!rc && n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (!rc)
            rc = add_path(l, names[i], depth + 1, err);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int add_path(list *l, const char *path, int depth, aiops_err *err)
{
    if (strcmp(path, "-") == 0)
        return push(l, AIOPS_ENTRY_STDIN, "-", NULL, 0, 0, 0, err);
    struct stat st;
    if (stat(path, &st) != 0)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return add_dir(l, path, depth, err);
    if (!S_ISREG(st.st_mode)) {
        if (depth > 0)                  /* sockets, fifos inside a tree: not data */
            return 0;
        /* A fifo or /dev/stdin named on the command line: read it plainly. */
        return push(l, AIOPS_ENTRY_FILE, path, NULL, 0, (double)st.st_mtime, 0, err);
    }
    int arch = 0;
    int rc = aiops_path_is_archive(path, &arch, err);
    if (rc)
        return rc;
    if (arch)
        return add_archive(l, path, depth, err);
    if (depth > 0 && !wanted(l, path))   /* files named on the command line always count */
        return 0;
    return push(l, AIOPS_ENTRY_FILE, path, NULL, 0, (double)st.st_mtime, depth > 0, err);
}

int aiops_entries_expand(const char *const *paths, size_t npaths, aiops_entry **out,
                         size_t *count, aiops_err *err)
{
    return aiops_entries_expand_opts(paths, npaths, NULL, out, count, err);
}

int aiops_entries_expand_opts(const char *const *paths, size_t npaths,
                              const aiops_expand_opts *xo, aiops_entry **out, size_t *count,
                              aiops_err *err)
{
    list l = {0};
    if (xo) {
        l.probe = xo->probe;
        l.probe_ctx = xo->probe_ctx;
        l.members = xo->members;
        l.index_key = xo->index_key;
    }
    int rc = 0;
    for (size_t i = 0; i < npaths && !rc; i++)
        rc = add_path(&l, paths[i], 0, err);
    if (rc) {
        aiops_entries_free(l.v, l.n);
        return rc;
    }
    *out = l.v;
    *count = l.n;
    return 0;
}

void aiops_entries_free(aiops_entry *e, size_t count)
{
    if (!e)
        return;
    for (size_t i = 0; i < count; i++) {
        free(e[i].path);
        free(e[i].member);
    }
    free(e);
}
