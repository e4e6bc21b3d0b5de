/* stream.c - bytes and lines of one input entry.  Plain files are read with
 * read(2); anything compressed or archived goes through libarchive (gzip,
 * zstd, xz, bzip2, lz4 filters; tar, zip, raw formats) and is streamed,
 * never extracted.  Lines live in one growing buffer capped at max_line. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/limits.h"
#include "input/input.h"

#define INITIAL_BUF ((size_t)256 << 10)
#define FULL 1          /* reserve: the buffer may not grow past its limit */
#define SNIFF 512

enum { SRC_MEM, SRC_FD, SRC_ARCHIVE };

struct aiops_stream {
    int kind;
    char name[1024];
    char entry[1024];
    char path[1024];             /* outer file path (for compressed-file names) */
    double mtime;
    /* sources */
    const char *mem;
    size_t memlen, mempos;
    int fd, own_fd;
    struct archive *a;
    int chain;                   /* stdin archive: members read in sequence */
    int own_archive;             /* 0 for a wrapper around someone else's handle */
    long member;                 /* index of the current regular member, -1 if none */
    uint64_t size_hint;          /* the member's size from its header, 0 if unknown */
    /* stdin archive: sniffed prefix handed to libarchive before the fd */
    char prefix[SNIFF];
    size_t prefixlen, prefixpos;
    char rbuf[64 << 10];         /* libarchive read-callback buffer */
    /* line buffer */
    char *buf;
    size_t cap, start, end;
    int eof;
    long lineno;
    size_t max_line, max_doc;
    /* decompression bomb checks (aiops_limit_inflate) */
    uint64_t member_out, total_out;
    int live, follow;            /* live input; follow: a plain file read like tail -f */
};

static void set_names(aiops_stream *s, const char *path, const char *member)
{
    snprintf(s->path, sizeof s->path, "%s", path);
    if (member) {
        snprintf(s->name, sizeof s->name, "%s:%s", path, member);
        snprintf(s->entry, sizeof s->entry, "%s", member);
    } else {
        snprintf(s->name, sizeof s->name, "%s", strcmp(path, "-") ? path : "<stdin>");
        snprintf(s->entry, sizeof s->entry, "%s", path);
    }
}

/* Drop a compression suffix from a name: "x.csv.gz" -> "x.csv". */
static void strip_compression_suffix(char *name)
{
    static const char *const sfx[] = {".gz", ".zst", ".xz", ".bz2", ".lz4", ".zstd", NULL};
    size_t n = strlen(name);
    for (int i = 0; sfx[i]; i++) {
        size_t l = strlen(sfx[i]);
        if (n > l && strcmp(name + n - l, sfx[i]) == 0) {
            name[n - l] = '\0';
            return;
        }
    }
}

static aiops_stream *stream_alloc(size_t max_line, size_t max_doc)
{
    aiops_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fd = -1;
    s->member = -1;
    s->own_archive = 1;
    s->max_line = max_line ? max_line : AIOPS_MAX_LINE_DEFAULT;
    s->max_doc = max_doc ? max_doc : AIOPS_MAX_DOC_DEFAULT;
    return s;
}

aiops_stream *aiops_stream_new_mem(const char *name, const char *data, size_t len,
                                   size_t max_line, size_t max_doc)
{
    aiops_stream *s = stream_alloc(max_line, max_doc);
    if (!s)
        return NULL;
    s->kind = SRC_MEM;
    s->mem = data;
    s->memlen = len;
    set_names(s, name ? name : "<memory>", NULL);
    return s;
}

void aiops_stream_free(aiops_stream *s)
{
    if (!s)
        return;
    if (s->a && s->own_archive)
        archive_read_free(s->a);
    if (s->own_fd && s->fd >= 0)
        close(s->fd);
    free(s->buf);
    free(s);
}

void aiops_stream_set_mtime(aiops_stream *s, double mtime) { s->mtime = mtime; }
const char *aiops_stream_name(const aiops_stream *s) { return s->name; }
const char *aiops_stream_entry(const aiops_stream *s) { return s->entry; }
double aiops_stream_mtime(const aiops_stream *s) { return s->mtime; }
long aiops_stream_lineno(const aiops_stream *s) { return s->lineno; }
int aiops_stream_is_chain(const aiops_stream *s) { return s->chain; }

static int fd_ready(aiops_stream *s, int timeout_ms);

/* Read up to n raw bytes.  Returns bytes read, 0 at end, <0 error. */
static long raw_read(aiops_stream *s, char *dst, size_t n, aiops_err *err)
{
    switch (s->kind) {
    case SRC_MEM: {
        size_t k = s->memlen - s->mempos < n ? s->memlen - s->mempos : n;
        memcpy(dst, s->mem + s->mempos, k);
        s->mempos += k;
        return (long)k;
    }
    case SRC_FD:
        if (s->prefixpos < s->prefixlen) {
            size_t k = s->prefixlen - s->prefixpos < n ? s->prefixlen - s->prefixpos : n;
            memcpy(dst, s->prefix + s->prefixpos, k);
            s->prefixpos += k;
            return (long)k;
        }
        for (;;) {
            ssize_t r = read(s->fd, dst, n);
            if (r == 0 && s->follow) {          /* tail -f: wait for the file to grow */
                struct timespec d = {0, 100000000};
                nanosleep(&d, NULL);
                continue;
            }
            if (r >= 0)
                return (long)r;
            if (errno != EINTR)
                return aiops_err_set(err, AIOPS_EIO, s->name, 0, "read failed: %s", strerror(errno));
        }
    default: {
        if (!s->a)               /* its handle went on to a later member */
            return 0;
        la_ssize_t r = archive_read_data(s->a, dst, n);
        if (r < 0 && aiops_limit_tripped())
            return aiops_err_set(err, AIOPS_ELIMIT, s->path, 0, "%s", aiops_limit_tripped());
        if (r < 0)
            return aiops_err_set(err, AIOPS_EIO, s->name, 0, "%s",
                                 archive_error_string(s->a) ? archive_error_string(s->a)
                                                            : "archive read failed");
        s->member_out += (uint64_t)r;
        s->total_out += (uint64_t)r;
        int64_t in = archive_filter_bytes(s->a, -1);
        int rc = aiops_limit_inflate(s->member_out, s->total_out, in > 0 ? (uint64_t)in : 0,
                                     s->name, err);
        if (rc)
            return rc;
        return (long)r;
    }
    }
}

/* Make room for at least `want` more bytes after end (compacting first).
 * Not AIOPS_GROW: the buffer starts at INITIAL_BUF, not 8 bytes, and its
 * size is clamped to the line limit rather than always doubled. */
static int reserve(aiops_stream *s, size_t want, size_t limit, aiops_err *err)
{
    if (s->start > 0 && s->cap - s->end < want) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        s->end -= s->start;
        s->start = 0;
    }
    if (s->cap - s->end >= want)
        return 0;
    size_t nc = s->cap ? s->cap : INITIAL_BUF;
    while (nc - s->end < want)
        nc *= 2;
    if (nc > limit + 1 + INITIAL_BUF) {
        nc = limit + 1 + INITIAL_BUF;
        if (nc - s->end < want)
            return FULL;
    }
    char *nb = realloc(s->buf, nc);
    if (!nb)
        return aiops_err_set(err, AIOPS_ENOMEM, s->name, s->lineno, "out of memory");
    s->buf = nb;
    s->cap = nc;
    return 0;
}

static int fill(aiops_stream *s, size_t limit, aiops_err *err)
{
    size_t want = s->cap - s->end >= 4096 ? s->cap - s->end : INITIAL_BUF;
    int rc = reserve(s, want < 4096 ? 4096 : want, limit, err);
    if (rc)
        return rc;     /* FULL or <0 */
    long r = raw_read(s, s->buf + s->end, s->cap - s->end - 1, err);
    if (r < 0)
        return (int)r;
    if (r == 0)
        s->eof = 1;
    s->end += (size_t)r;
    return 0;
}

int aiops_stream_getline(aiops_stream *s, char **line, size_t *len, aiops_err *err)
{
    size_t scanned = 0;
    for (;;) {
        char *p = s->buf ? s->buf + s->start : NULL;
        size_t avail = s->end - s->start;
        char *nl = avail > scanned ? memchr(p + scanned, '\n', avail - scanned) : NULL;
        if (nl || (s->eof && avail)) {
            size_t l = nl ? (size_t)(nl - p) : avail;
            s->start += nl ? l + 1 : l;
            if (l > s->max_line)
                return aiops_err_set(err, AIOPS_ELIMIT, s->name, s->lineno + 1,
                                     "line longer than %zu bytes (--max-line, AIOPS_MAX_LINE)", s->max_line);
            if (!nl)               /* last line without '\n': room for NUL exists */
                p[l] = '\0';
            if (l && p[l - 1] == '\r')
                l--;
            p[l] = '\0';
            s->lineno++;
            *line = p;
            *len = l;
            return 1;
        }
        if (s->eof)
            return 0;
        scanned = avail;
        if (avail > s->max_line)
            return aiops_err_set(err, AIOPS_ELIMIT, s->name, s->lineno + 1,
                                 "line longer than %zu bytes (--max-line, AIOPS_MAX_LINE)", s->max_line);
        int rc = fill(s, s->max_line, err);
        if (rc == FULL)
            return aiops_err_set(err, AIOPS_ELIMIT, s->name, s->lineno + 1, "line longer than %zu bytes (--max-line, AIOPS_MAX_LINE)",
                                 s->max_line);
        if (rc)
            return rc;
    }
}

int aiops_stream_slurp(aiops_stream *s, char **data, size_t *len, aiops_err *err)
{
    /* An archive member says its size: room for all of it at once (and the
     * 4 KiB a last read asks for), not a buffer doubled past it. */
    size_t have = s->end - s->start;
    if (!s->eof && s->size_hint > have && s->size_hint <= s->max_doc) {
        int rc = reserve(s, (size_t)s->size_hint - have + 4097, s->max_doc, err);
        if (rc < 0)
            return rc;
    }
    while (!s->eof) {
        if (s->end - s->start > s->max_doc)
            break;
        int rc = fill(s, s->max_doc, err);
        if (rc == FULL)
            break;
        if (rc)
            return rc;
    }
    if (s->end - s->start > s->max_doc || !s->eof)
        return aiops_err_set(err, AIOPS_ELIMIT, s->name, 0,
                             "document larger than %zu bytes (raise AIOPS_MAX_DOC)",
                             s->max_doc);
    if (!s->buf && reserve(s, 1, s->max_doc, err))
        return AIOPS_ENOMEM;
    s->buf[s->end] = '\0';
    *data = s->buf + s->start;
    *len = s->end - s->start;
    s->start = s->end;
    return 0;
}

int aiops_stream_peek(aiops_stream *s, const char **data, size_t *len, aiops_err *err)
{
    while (!s->eof && s->end - s->start < 65536) {
        if (s->live && s->buf && memchr(s->buf + s->start, '\n', s->end - s->start) &&
            !fd_ready(s, AIOPS_LIVE_GRACE_MS))
            break;
        int rc = fill(s, s->max_line > 65536 ? s->max_line : 65536, err);
        if (rc < 0)
            return rc;
        if (rc)
            break;
    }
    *data = s->buf ? s->buf + s->start : "";
    *len = s->end - s->start;
    return 0;
}

int aiops_stream_read(aiops_stream *s, const char **data, size_t *len, aiops_err *err)
{
    if (s->end == s->start) {
        if (s->eof)
            return 0;
        s->start = s->end = 0;
        int rc = fill(s, s->max_line, err);
        if (rc < 0)
            return rc;
        if (s->end == 0)
            return 0;
    }
    *data = s->buf + s->start;
    *len = s->end - s->start;
    s->start = s->end;
    return 1;
}

size_t aiops_stream_max_doc(const aiops_stream *s) { return s->max_doc; }

/* ---- opening entries */

static int is_archive_magic(const unsigned char *b, size_t n)
{
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) return 1;                    /* gzip */
    if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) return 1; /* zstd */
    if (n >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0) return 1;              /* xz */
    if (n >= 3 && memcmp(b, "BZh", 3) == 0) return 1;                        /* bzip2 */
    if (n >= 4 && memcmp(b, "\x04\x22\x4d\x18", 4) == 0) return 1;           /* lz4 */
    if (n >= 4 && (memcmp(b, "PK\3\4", 4) == 0 || memcmp(b, "PK\5\6", 4) == 0)) return 1;
    if (n >= 262 && memcmp(b + 257, "ustar", 5) == 0) return 1;              /* tar */
    return 0;
}

int aiops_path_is_archive(const char *path, int *is_archive, aiops_err *err)
{
    unsigned char b[SNIFF];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open: %s", strerror(errno));
    ssize_t n = read(fd, b, sizeof b);
    int e = errno;
    close(fd);
    if (n < 0)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot read: %s", strerror(e));
    *is_archive = is_archive_magic(b, (size_t)n);
    return 0;
}

struct archive *aiops_archive_reader(void)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_raw(a);
    return a;
}

/* Position s->a on the member after the current one that is a regular
 * file.  Returns 1, 0 at end, <0. */
static int next_regular(aiops_stream *s, struct archive_entry **ae, aiops_err *err)
{
    for (;;) {
        int r = archive_read_next_header(s->a, ae);
        if (r == ARCHIVE_EOF)
            return 0;
        if (r < ARCHIVE_WARN && aiops_limit_tripped())
            return aiops_err_set(err, AIOPS_ELIMIT, s->path, 0, "%s", aiops_limit_tripped());
        if (r < ARCHIVE_WARN)
            return aiops_err_set(err, AIOPS_EIO, s->path, 0, "bad archive: %s",
                                 archive_error_string(s->a) ? archive_error_string(s->a) : "?");
        if (archive_format(s->a) == ARCHIVE_FORMAT_RAW ||
            archive_entry_filetype(*ae) == AE_IFREG) {
            s->member++;
            return 1;
        }
    }
}

void aiops_stream_drop_buffer(aiops_stream *s)
{
    s->start = s->end = 0;
    if (s->cap > INITIAL_BUF) {
        free(s->buf);
        s->buf = NULL;
        s->cap = 0;
    }
}

static void name_member(aiops_stream *s, struct archive_entry *ae)
{
    if (archive_format(s->a) == ARCHIVE_FORMAT_RAW) {
        /* A single compressed file: name it after the file minus suffix. */
        char base[1024];
        snprintf(base, sizeof base, "%s", strcmp(s->path, "-") ? s->path : "<stdin>");
        set_names(s, base, NULL);
        snprintf(s->name, sizeof s->name, "%s", base);
        strip_compression_suffix(s->entry);
        s->mtime = 0;
    } else {
        const char *p = archive_entry_pathname(ae);
        char outer[1024];
        snprintf(outer, sizeof outer, "%s", strcmp(s->path, "-") ? s->path : "<stdin>");
        set_names(s, outer, p ? p : "?");
        snprintf(s->path, sizeof s->path, "%s", outer);
        strip_compression_suffix(s->entry);
        s->mtime = archive_entry_mtime_is_set(ae) ? (double)archive_entry_mtime(ae) : 0;
    }
    aiops_stream_drop_buffer(s);    /* a big document's buffer is not carried over */
    s->size_hint = archive_format(s->a) != ARCHIVE_FORMAT_RAW && archive_entry_size_is_set(ae) &&
                   archive_entry_size(ae) > 0 ? (uint64_t)archive_entry_size(ae) : 0;
    s->eof = 0;
    s->lineno = 0;
    s->member_out = 0;
}

static la_ssize_t stdin_read_cb(struct archive *a, void *ud, const void **out)
{
    aiops_stream *s = ud;
    (void)a;
    if (s->prefixpos < s->prefixlen) {
        *out = s->prefix + s->prefixpos;
        la_ssize_t n = (la_ssize_t)(s->prefixlen - s->prefixpos);
        s->prefixpos = s->prefixlen;
        return n;
    }
    for (;;) {
        ssize_t r = read(s->fd, s->rbuf, sizeof s->rbuf);
        if (r >= 0) {
            *out = s->rbuf;
            return r;
        }
        if (errno != EINTR) {
            archive_set_error(a, errno, "read failed: %s", strerror(errno));
            return -1;
        }
    }
}

static int open_stdin(aiops_stream *s, aiops_err *err)
{
    s->fd = 0;
    set_names(s, "-", NULL);
    struct stat sb;
    s->live = fstat(0, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode);
    while (s->prefixlen < SNIFF) {
        if (s->live && memchr(s->prefix, '\n', s->prefixlen) &&
            !fd_ready(s, AIOPS_LIVE_GRACE_MS))
            break;
        ssize_t r = read(0, s->prefix + s->prefixlen, SNIFF - s->prefixlen);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return aiops_err_set(err, AIOPS_EIO, "<stdin>", 0, "read failed: %s", strerror(errno));
        if (r == 0)
            break;
        s->prefixlen += (size_t)r;
    }
    if (!is_archive_magic((unsigned char *)s->prefix, s->prefixlen)) {
        s->kind = SRC_FD;
        return 0;
    }
    s->live = 0;                 /* compressed: libarchive reads as it wants */
    s->kind = SRC_ARCHIVE;
    s->chain = 1;
    if (!(s->a = aiops_archive_reader()))
        return aiops_err_set(err, AIOPS_ENOMEM, "<stdin>", 0, "out of memory");
    if (archive_read_open(s->a, s, NULL, stdin_read_cb, NULL) != ARCHIVE_OK)
        return aiops_err_set(err, AIOPS_EIO, "<stdin>", 0, "cannot read archive: %s",
                             archive_error_string(s->a));
    struct archive_entry *ae;
    int r = next_regular(s, &ae, err);
    if (r < 0)
        return r;
    if (r == 0) {                /* an archive with no files: empty stream */
        s->eof = 1;
        return 0;
    }
    name_member(s, ae);
    return 0;
}

int aiops_stream_next_member(aiops_stream *s, aiops_err *err)
{
    if (!s->chain)
        return 0;
    struct archive_entry *ae;
    int r = next_regular(s, &ae, err);
    if (r <= 0)
        return r;
    name_member(s, ae);
    return 1;
}

/* Read on to regular member number e->index (s->member counts them from
 * -1 before the first) and name the stream after it. */
static int seek_member(aiops_stream *s, const aiops_entry *e, aiops_err *err)
{
    struct archive_entry *ae = NULL;
    while (s->member < e->index) {
        int r = next_regular(s, &ae, err);
        if (r < 0)
            return r;
        if (r == 0)
            return aiops_err_set(err, AIOPS_EIO, e->path, 0, "archive changed while reading");
    }
    name_member(s, ae);
    return 0;
}

static int open_member(aiops_stream *s, const aiops_entry *e, aiops_err *err)
{
    s->kind = SRC_ARCHIVE;
    snprintf(s->path, sizeof s->path, "%s", e->path);
    if (!(s->a = aiops_archive_reader()))
        return aiops_err_set(err, AIOPS_ENOMEM, e->path, 0, "out of memory");
    if (aiops_archive_open(s->a, e->path) != ARCHIVE_OK)
        return aiops_err_set(err, AIOPS_EIO, e->path, 0, "cannot open archive: %s",
                             archive_error_string(s->a));
    return seek_member(s, e, err);
}

aiops_stream *aiops_stream_wrap_archive(struct archive *a, const char *path,
                                        struct archive_entry *ae, long index,
                                        size_t max_line, size_t max_doc)
{
    aiops_stream *s = stream_alloc(max_line, max_doc);
    if (!s)
        return NULL;
    s->kind = SRC_ARCHIVE;
    s->a = a;
    s->own_archive = 0;
    snprintf(s->path, sizeof s->path, "%s", path);
    name_member(s, ae);
    s->member = index;
    return s;
}

long aiops_stream_member(const aiops_stream *s)
{
    return s->kind == SRC_ARCHIVE && !s->chain && s->a ? s->member : -1;
}

int aiops_stream_at_end(const aiops_stream *s)
{
    return aiops_stream_member(s) >= 0 && s->own_archive && s->eof;
}

aiops_stream *aiops_stream_take_archive(aiops_stream *s)
{
    if (!aiops_stream_at_end(s))
        return NULL;
    aiops_stream *n = stream_alloc(s->max_line, s->max_doc);
    if (!n)
        return NULL;
    n->kind = SRC_ARCHIVE;
    n->a = s->a;
    n->member = s->member;
    n->total_out = s->total_out;
    n->mtime = s->mtime;
    n->eof = 1;
    memcpy(n->name, s->name, sizeof n->name);
    memcpy(n->entry, s->entry, sizeof n->entry);
    memcpy(n->path, s->path, sizeof n->path);
    s->a = NULL;             /* s reads nothing more: at its end already */
    s->own_archive = 0;
    return n;
}

const char *aiops_stream_path(const aiops_stream *s)
{
    return s->path;
}

int aiops_stream_advance(aiops_stream *s, const aiops_entry *e, aiops_err *err)
{
    if (s->kind != SRC_ARCHIVE || s->chain || s->member >= e->index || strcmp(s->path, e->path))
        return aiops_err_set(err, AIOPS_EINVAL, e->path, 0, "cannot advance this handle");
    return seek_member(s, e, err);
}

int aiops_stream_open_entry(const aiops_entry *e, size_t max_line, size_t max_doc,
                            aiops_stream **out, aiops_err *err)
{
    aiops_stream *s = stream_alloc(max_line, max_doc);
    if (!s)
        return aiops_err_set(err, AIOPS_ENOMEM, e->path, 0, "out of memory");
    int rc = 0;
    switch (e->kind) {
    case AIOPS_ENTRY_STDIN:
        rc = open_stdin(s, err);
        break;
    case AIOPS_ENTRY_MEMBER:
        rc = open_member(s, e, err);
        break;
    case AIOPS_ENTRY_FILE:
        s->kind = SRC_FD;
        set_names(s, e->path, NULL);
        s->mtime = e->mtime;
        s->own_fd = 1;
        s->fd = open(e->path, O_RDONLY);
        if (s->fd < 0)
            rc = aiops_err_set(err, AIOPS_EIO, e->path, 0, "cannot open: %s", strerror(errno));
        break;
    }
    if (rc) {
        aiops_stream_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* ---- live input */

void aiops_stream_follow(aiops_stream *s)
{
    struct stat sb;
    if (s->kind != SRC_FD)
        return;
    s->live = 1;                 /* a FIFO ends when its writer closes it */
    s->follow = fstat(s->fd, &sb) == 0 && S_ISREG(sb.st_mode);
}

int aiops_stream_live(const aiops_stream *s) { return s->live; }

/* 1 when the file descriptor has more to read within timeout_ms. */
static int fd_ready(aiops_stream *s, int timeout_ms)
{
    for (;;) {
        if (s->follow) {             /* a plain file: has it grown past where we are? */
            struct stat sb;
            off_t pos = lseek(s->fd, 0, SEEK_CUR);
            if (fstat(s->fd, &sb) != 0 || pos < 0 || sb.st_size > pos)
                return 1;
            if (timeout_ms == 0)
                return 0;
            int step = timeout_ms < 0 || timeout_ms > 100 ? 100 : timeout_ms;
            struct timespec d = {0, (long)step * 1000000};
            nanosleep(&d, NULL);
            if (timeout_ms > 0)
                timeout_ms -= step;
            continue;
        }
        struct pollfd p = {s->fd, POLLIN, 0};
        int r = poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        return r != 0;               /* an error: let read(2) report it */
    }
}

int aiops_stream_ready(aiops_stream *s, int timeout_ms)
{
    if (!s->live || s->eof || s->prefixpos < s->prefixlen ||
        (s->buf && memchr(s->buf + s->start, '\n', s->end - s->start)))
        return 1;
    return fd_ready(s, timeout_ms);
}
