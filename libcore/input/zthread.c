/* zthread.c - zstd decompression on a second thread for archives read
 * from files, like `zstd -T`: a thread decompresses the file into a ring
 * of chunks and libarchive reads the decompressed tar (or raw) stream
 * from them through its read callback, so decompression and parsing run
 * on two cores.  Other compressions go through libarchive's own filters
 * as before. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <archive.h>
#include <zstd.h>

#include "common/limits.h"
#include "input/input.h"

#define ZT_CHUNK ((size_t)256 << 10) /* decompressed bytes per chunk */
#define ZT_RING 4                    /* chunks: 1 MiB per open archive handle */

typedef struct zthread {
    int fd;
    pthread_t th;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *buf[ZT_RING];
    size_t len[ZT_RING];
    size_t head, count;      /* filled chunks from head (the consumer's included) */
    int held;                /* libarchive holds buf[head] until its next read */
    int done, stop;
    char failed[256];        /* the thread's error, "" if none */
} zthread;

static void zt_fail(zthread *z, const char *msg)
{
    pthread_mutex_lock(&z->mu);
    snprintf(z->failed, sizeof z->failed, "%s", msg);
    pthread_cond_broadcast(&z->cv);
    pthread_mutex_unlock(&z->mu);
}

/* A zstd error, in libarchive's words (the messages stay as they were). */
static void zt_zfail(zthread *z, size_t code)
{
    char m[200];
    snprintf(m, sizeof m, "Zstd decompression failed: %s", ZSTD_getErrorName(code));
    zt_fail(z, m);
}

/* A free chunk's index, or -1 when told to stop. */
static int zt_slot(zthread *z)
{
    pthread_mutex_lock(&z->mu);
    while (z->count == ZT_RING && !z->stop)
        pthread_cond_wait(&z->cv, &z->mu);
    int i = z->stop ? -1 : (int)((z->head + z->count) % ZT_RING);
    pthread_mutex_unlock(&z->mu);
    return i;
}

static void *zt_main(void *arg)
{
    zthread *z = arg;
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    size_t icap = ZSTD_DStreamInSize();
    char *in = malloc(icap);
    ZSTD_inBuffer ib = { in, 0, 0 };
    size_t last = 0;         /* 0 after a whole frame */
    uint64_t nin = 0, nout = 0;   /* compressed bytes read, decompressed made */
    int eof = 0;
    if (!dc || !in) {
        zt_fail(z, "out of memory");
        goto out;
    }
    for (;;) {
        int i = zt_slot(z);
        if (i < 0)
            break;
        ZSTD_outBuffer ob = { z->buf[i], ZT_CHUNK, 0 };
        while (ob.pos < ob.size) {
            if (ib.pos == ib.size && !eof) {
                ssize_t r = read(z->fd, in, icap);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r < 0) {
                    char m[200];
                    snprintf(m, sizeof m, "read failed: %s", strerror(errno));
                    zt_fail(z, m);
                    goto out;
                }
                ib.size = (size_t)r;
                ib.pos = 0;
                nin += (uint64_t)r;
                eof = r == 0;
            }
            if (ib.pos == ib.size && eof) {
                /* all input used: flush what the decoder still holds */
                size_t before = ob.pos;
                last = last ? ZSTD_decompressStream(dc, &ob, &ib) : 0;
                if (ZSTD_isError(last)) {
                    zt_zfail(z, last);
                    goto out;
                }
                if (ob.pos == before)
                    break;
                continue;
            }
            last = ZSTD_decompressStream(dc, &ob, &ib);
            if (ZSTD_isError(last)) {
                zt_zfail(z, last);
                goto out;
            }
        }
        aiops_err e = {0};
        nout += ob.pos;
        if (aiops_limit_inflate(0, nout, nin, NULL, &e)) {
            aiops_limit_trip(e.msg);
            zt_fail(z, e.msg);
            goto out;
        }
        pthread_mutex_lock(&z->mu);
        if (ob.pos) {
            z->len[i] = ob.pos;
            z->count++;
        }
        if (ob.pos < ob.size) {
            z->done = 1;
            if (last && !z->failed[0])
                snprintf(z->failed, sizeof z->failed, "Truncated zstd input");
        }
        pthread_cond_broadcast(&z->cv);
        int end = z->done;
        pthread_mutex_unlock(&z->mu);
        if (end)
            break;
    }
out:
    ZSTD_freeDCtx(dc);
    free(in);
    return NULL;
}

static la_ssize_t zt_read(struct archive *a, void *ud, const void **out)
{
    zthread *z = ud;
    pthread_mutex_lock(&z->mu);
    if (z->held) {           /* libarchive is done with the previous chunk */
        z->head = (z->head + 1) % ZT_RING;
        z->count--;
        z->held = 0;
        pthread_cond_broadcast(&z->cv);
    }
    while (z->count == 0 && !z->done && !z->failed[0])
        pthread_cond_wait(&z->cv, &z->mu);
    la_ssize_t n;
    if (z->count) {
        z->held = 1;
        *out = z->buf[z->head];
        n = (la_ssize_t)z->len[z->head];
    } else if (z->failed[0]) {
        archive_set_error(a, EIO, "%s", z->failed);
        n = -1;
    } else {
        n = 0;
    }
    pthread_mutex_unlock(&z->mu);
    return n;
}

static void zt_free(zthread *z)
{
    if (z->started) {
        pthread_mutex_lock(&z->mu);
        z->stop = 1;
        pthread_cond_broadcast(&z->cv);
        pthread_mutex_unlock(&z->mu);
        pthread_join(z->th, NULL);
    }
    pthread_mutex_destroy(&z->mu);
    pthread_cond_destroy(&z->cv);
    for (int i = 0; i < ZT_RING; i++)
        free(z->buf[i]);
    if (z->fd >= 0)
        close(z->fd);
    free(z);
}

static int zt_close(struct archive *a, void *ud)
{
    (void)a;
    zt_free(ud);
    return ARCHIVE_OK;
}

static int is_zstd(int fd)
{
    unsigned char m[4];
    ssize_t r = pread(fd, m, sizeof m, 0);
    return r == 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd;
}

int aiops_archive_open(struct archive *a, const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || !is_zstd(fd)) {
        if (fd >= 0)
            close(fd);
        return archive_read_open_filename(a, path, 1 << 16);
    }
    zthread *z = calloc(1, sizeof *z);
    if (!z) {
        close(fd);
        return archive_read_open_filename(a, path, 1 << 16);
    }
    z->fd = fd;
    pthread_mutex_init(&z->mu, NULL);
    pthread_cond_init(&z->cv, NULL);
    int ok = 1;
    for (int i = 0; i < ZT_RING && ok; i++)
        ok = (z->buf[i] = malloc(ZT_CHUNK)) != NULL;
    if (ok && pthread_create(&z->th, NULL, zt_main, z) == 0)
        z->started = 1;
    if (!z->started) {       /* no memory or no thread: libarchive's own filter */
        zt_free(z);
        return archive_read_open_filename(a, path, 1 << 16);
    }
    /* libarchive calls zt_close when the archive is closed or freed, also
     * after a failed open. */
    return archive_read_open(a, z, NULL, zt_read, zt_close);
}
