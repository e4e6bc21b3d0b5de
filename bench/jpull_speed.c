/* jpull_speed.c - the JSON pull tokenizer alone against jansson on one
 * file: tokens/s and MB/s, peak memory with /usr/bin/time -v.
 *   cc -O2 -Ilibcore bench/jpull_speed.c libcore/libaiops.a -larchive -lzstd -ljansson -lm
 *   a.out jpull FILE     read in 1 MiB chunks, count tokens
 *   a.out jansson FILE   read the whole file, json_loadb it
 * With -DWITH_YAJL ... -lyajl (libyajl-dev, measured only, not a
 * dependency): a.out yajl FILE   yajl's callback parser in 1 MiB chunks. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/jpull.h"

#ifdef WITH_YAJL
#include <yajl/yajl_parse.h>
static size_t ycount;
static int y_null(void *c) { (void)c; ycount++; return 1; }
static int y_bool(void *c, int b) { (void)c; (void)b; ycount++; return 1; }
static int y_num(void *c, const char *s, size_t n) { (void)c; (void)s; (void)n; ycount++; return 1; }
static int y_str(void *c, const unsigned char *s, size_t n) { (void)c; (void)s; (void)n; ycount++; return 1; }
static const yajl_callbacks ycb = {y_null, y_bool, NULL, NULL, y_num, y_str, y_null, y_str, y_null,
                                   y_null, y_null};
#endif

typedef struct fdsrc {
    int fd;
    char buf[1 << 20];
} fdsrc;

static int fd_read(void *ctx, const char **data, size_t *len, aiops_err *err)
{
    fdsrc *s = ctx;
    ssize_t r = read(s->fd, s->buf, sizeof s->buf);
    if (r < 0)
        return aiops_err_set(err, AIOPS_EIO, "", 0, "read failed");
    *data = s->buf;
    *len = (size_t)r;
    return r > 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0)
        return 2;
    double t0 = now();
    size_t ntok = 0, bytes = 0;
    if (strcmp(argv[1], "jpull") == 0) {
        fdsrc *s = malloc(sizeof *s);
        s->fd = fd;
        aiops_jpull *p = aiops_jpull_new(fd_read, s, NULL);
        aiops_err err = {0};
        int t;
        while ((t = aiops_jpull_next(p, &err)) > 0)
            ntok++;
        if (t < 0) {
            fprintf(stderr, "%ld: %s\n", err.line, err.msg);
            return 1;
        }
        bytes = (size_t)aiops_jpull_offset(p);
        aiops_jpull_free(p);
#ifdef WITH_YAJL
    } else if (strcmp(argv[1], "yajl") == 0) {
        static char buf[1 << 20];
        yajl_handle h = yajl_alloc(&ycb, NULL, NULL);
        ssize_t r;
        while ((r = read(fd, buf, sizeof buf)) > 0) {
            if (yajl_parse(h, (unsigned char *)buf, (size_t)r) != yajl_status_ok)
                return 1;
            bytes += (size_t)r;
        }
        if (yajl_complete_parse(h) != yajl_status_ok)
            return 1;
        ntok = ycount;
        yajl_free(h);
#endif
    } else {
        off_t n = lseek(fd, 0, SEEK_END);
        lseek(fd, 0, SEEK_SET);
        char *buf = malloc((size_t)n);
        for (size_t got = 0; got < (size_t)n;) {
            ssize_t r = read(fd, buf + got, (size_t)n - got);
            if (r <= 0)
                return 1;
            got += (size_t)r;
        }
        json_error_t je;
        json_t *v = json_loadb(buf, (size_t)n, 0, &je);
        if (!v)
            return 1;
        bytes = (size_t)n;
        json_decref(v);
        free(buf);
    }
    double dt = now() - t0;
    printf("%s: %zu bytes, %zu tokens, %.2f s, %.0f MB/s\n", argv[1], bytes, ntok, dt,
           (double)bytes / dt / 1e6);
    return 0;
}
