/* input.h - input internals: the entries found by expanding the command
 * line, opening them as streams, archive members.  Not public. */
#ifndef AIOPS_INPUT_INPUT_H
#define AIOPS_INPUT_INPUT_H

#include "aiops_format.h"

/* One input entry found by expanding the command-line paths. */
typedef enum {
    AIOPS_ENTRY_FILE,        /* plain (uncompressed, not an archive) file */
    AIOPS_ENTRY_MEMBER,      /* member `index` of an archive / compressed file */
    AIOPS_ENTRY_STDIN,       /* standard input: plain, compressed or an archive */
} aiops_entry_kind;

typedef struct aiops_entry {
    aiops_entry_kind kind;
    char *path;              /* file system path ("-" for stdin) */
    char *member;            /* member path inside the archive, or NULL */
    long index;              /* member index (headers to skip), MEMBER only */
    double mtime;
    /* Earliest time among the member's first records (see the probe of
     * aiops_entries_expand_probe); -INFINITY = unknown: read it from the start. */
    double first_ts;
    /* 1 for a file found in a directory or a member of an archive (not a
     * single compressed file): one no format recognises is skipped. */
    int nested;
} aiops_entry;

/* Called once per archive member while the archive is listed, with a
 * stream over the member's data: returns the earliest timestamp among its
 * first records, -INFINITY when that cannot be told cheaply, or NAN when
 * no format recognises the member. */
typedef double (*aiops_probe_fn)(void *ctx, aiops_stream *member);

/* Expand paths (files, "-", directories recursively, archives) into entries
 * in a stable order: arguments in order, directory contents sorted, archive
 * members in archive order.  *out owned by caller: aiops_entries_free(). */
int aiops_entries_expand(const char *const *paths, size_t npaths, aiops_entry **out,
                         size_t *count, aiops_err *err);
void aiops_entries_free(aiops_entry *e, size_t count);
/* The same with options: probe each archive member (probe NULL: no
 * probing), keep only members/files whose name matches one of the globs
 * in members (fnmatch, '*' also matches '/'; NULL = keep all). */
typedef struct aiops_expand_opts {
    aiops_probe_fn probe;
    void *probe_ctx;
    const char *const *members;
    /* Non-NULL: keep each archive's listing (members, their first times)
     * in ARCHIVE.aiops-index beside it and list the archive from there
     * next time, while the archive's size and mtime and this key (what
     * the probe's answers depend on: the reader's options) are the same.
     * An index that cannot be written is not an error. */
    const char *index_key;
} aiops_expand_opts;
int aiops_entries_expand_opts(const char *const *paths, size_t npaths,
                              const aiops_expand_opts *xo, aiops_entry **out, size_t *count,
                              aiops_err *err);

/* Open one entry as a stream (owned by caller). */
int aiops_stream_open_entry(const aiops_entry *e, size_t max_line, size_t max_doc,
                            aiops_stream **out, aiops_err *err);
/* For a stdin archive: move to the next member (1), or 0 when there is none.
 * The stream's name, entry, mtime and line numbers switch to the member. */
int aiops_stream_next_member(aiops_stream *s, aiops_err *err);
/* 1 if the stream reads members of an archive sequentially (stdin). */
int aiops_stream_is_chain(const aiops_stream *s);
/* A stream over the current member of someone else's archive handle (not
 * freed with the stream). */
struct archive;
struct archive_entry;
aiops_stream *aiops_stream_wrap_archive(struct archive *a, const char *path,
                                        struct archive_entry *ae, long index,
                                        size_t max_line, size_t max_doc);
/* Index of the member an archive-file stream is on (-1 for other streams),
 * and its archive's path. */
long aiops_stream_member(const aiops_stream *s);
const char *aiops_stream_path(const aiops_stream *s);
/* 1 when s is on a member of an archive file and has read all of it (its
 * parser may still hold its bytes, name and line numbers). */
int aiops_stream_at_end(const aiops_stream *s);
/* Such a stream's archive handle, moved to a new stream (the caller's)
 * positioned after s's member, for aiops_stream_advance to a later one; s
 * keeps its buffer, name and line numbers and reads nothing more.  NULL
 * when s is not at_end or out of memory (s unchanged). */
aiops_stream *aiops_stream_take_archive(aiops_stream *s);
/* Move an archive-file stream forward to entry e (a later member of the
 * same archive) without reopening: reuses the decompression done so far. */
int aiops_stream_advance(aiops_stream *s, const aiops_entry *e, aiops_err *err);
/* Forget the bytes buffered and free a buffer grown past its first size
 * (a document read whole): for a handle kept idle between members. */
void aiops_stream_drop_buffer(aiops_stream *s);

/* Live input (aiops-replay --follow; docs/SCALE.md).  Standard input that
 * is a pipe, FIFO, socket or terminal is live by itself: its first bytes
 * and format detection stop waiting once a whole line has come and nothing
 * more arrives within AIOPS_LIVE_GRACE_MS.  aiops_stream_follow(s) makes a
 * plain file live like `tail -f`: at its end, reads wait for it to grow.
 * aiops_stream_live: 1 if s is live.  aiops_stream_ready: 1 when a whole
 * line is buffered or more input can be read now, waiting up to timeout_ms
 * (-1: until then); 0 when nothing came in time.  Streams that are not
 * live are always ready. */
#define AIOPS_LIVE_GRACE_MS 50
void aiops_stream_follow(aiops_stream *s);
int aiops_stream_live(const aiops_stream *s);
int aiops_stream_ready(aiops_stream *s, int timeout_ms);

/* 1 in *is_archive when the file starts with a compression/archive magic. */
int aiops_path_is_archive(const char *path, int *is_archive, aiops_err *err);
/* A libarchive reader set up for the formats and filters we accept. */
struct archive *aiops_archive_reader(void);
/* Open it on the file at path; a zstd file is decompressed by a thread of
 * its own (zthread.c), ended when the archive is closed.  libarchive's
 * ARCHIVE_* result. */
int aiops_archive_open(struct archive *a, const char *path);




#endif
