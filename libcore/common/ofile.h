/* ofile.h - crash-safe output files: every file a tool writes (records,
 * model files, reports, archives, exported rules) is written under a
 * temporary name in its directory and renamed over the real name only
 * when all of it was written, so an interrupted run (an error, disk full,
 * SIGINT, SIGTERM) never leaves a truncated file: the temporary is removed
 * on error paths by aiops_ofile_abort and on signals by
 * aiops_tmp_cleanup, which tools/cli.c's handler calls.  Other temporary
 * files (aiops-report's gnuplot scripts) join the same list with
 * aiops_tmp_add. */
#ifndef AIOPS_COMMON_OFILE_H
#define AIOPS_COMMON_OFILE_H

#include <stdio.h>

#include "aiops.h"

typedef struct aiops_ofile {
    char path[4096];         /* the real name; "<stdout>" for standard output */
    char tmp[4096];          /* the temporary beside it; "" when written in place */
    int fd;                  /* write here, or through aiops_ofile_fp */
    FILE *f;
} aiops_ofile;

/* Open path (NULL or "-": standard output) for writing.  A regular file
 * or a new name is written as DIR/.NAME.tmp-XXXXXX with the mode the file
 * has (a new one: 0666 less the umask); anything else (/dev/full, a FIFO,
 * /dev/stdout) is written in place.  0 or AIOPS_EIO ("cannot create ...:
 * reason"). */
int aiops_ofile_open(aiops_ofile *o, const char *path, aiops_err *err);
/* A stdio stream over o (made on the first call; closed by commit/abort),
 * or NULL with err set. */
FILE *aiops_ofile_fp(aiops_ofile *o, aiops_err *err);
/* All written: flush, close and rename into place (standard output is
 * flushed, not closed).  0, or AIOPS_EIO with the reason ("write failed:
 * No space left on device") and the temporary removed. */
int aiops_ofile_commit(aiops_ofile *o, aiops_err *err);
/* The run failed: close, and remove the temporary (the real name is left
 * as it was).  Safe on a zeroed or already finished o. */
void aiops_ofile_abort(aiops_ofile *o);
/* Write n bytes of data to the file at path the same way: 0 or <0. */
int aiops_ofile_save(const char *path, const void *data, size_t n, aiops_err *err);

/* The list of temporary names removed on a signal (64 at most at once;
 * beyond that a name is not listed, and only an error path removes it). */
void aiops_tmp_add(const char *path);
void aiops_tmp_forget(const char *path);
/* Unlink every listed name, then rmdir the listed directories:
 * async-signal-safe, for a signal handler. */
void aiops_tmp_cleanup(void);

/* Where scratch files go: $TMPDIR when set and not empty, else "/tmp". */
const char *aiops_tmp_dir(void);
/* An unnamed scratch file (spilled sort runs, training rows) under
 * aiops_tmp_dir(), named PREFIX-XXXXXX and unlinked at once, so it is gone
 * when closed, however the process ends.  The caller owns and fcloses it;
 * NULL with errno set when it cannot be made. */
FILE *aiops_tmp_file(const char *prefix);

#endif
