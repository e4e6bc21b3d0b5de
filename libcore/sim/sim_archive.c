/* sim_archive.c - write the simulator's archive: tar (pax) through zstd
 * with libarchive's write API.
 *
 * Deterministic by construction: members are added in the caller's order
 * with fixed metadata (mtime = scenario start, uid/gid 0, owner "aiops",
 * mode 0644), no atime/ctime, and the zstd level is fixed.  A tar member
 * needs its size up front, so callers build each member in memory. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "common/ofile.h"
#include "sim/sim_internal.h"

struct aiops_sim_archive {
    struct archive *a;
    struct archive_entry *e;
    char path[1024];
    double mtime;
    aiops_ofile of;          /* written under a temporary name, renamed when closed */
};

static int ar_fail(aiops_sim_archive *w, aiops_err *err, const char *what)
{
    const char *m = archive_error_string(w->a);
    int e = archive_errno(w->a);
    return aiops_err_set(err, AIOPS_EIO, w->path, 0, "%s: %s%s%s", what, m ? m : "unknown error",
                         e > 0 ? ": " : "", e > 0 ? strerror(e) : "");
}

int aiops_sim_archive_open(aiops_sim_archive **out, const char *path, double mtime,
                           aiops_err *err)
{
    *out = NULL;
    aiops_sim_archive *w = calloc(1, sizeof *w);
    if (!w)
        return aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    snprintf(w->path, sizeof w->path, "%s", path && strcmp(path, "-") ? path : "<stdout>");
    w->mtime = mtime;
    w->of.fd = -1;
    w->a = archive_write_new();
    w->e = archive_entry_new();
    int rc = 0;
    if (!w->a || !w->e)
        rc = aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    else if (archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK)
        rc = ar_fail(w, err, "tar format");
    else if (archive_write_add_filter_zstd(w->a) != ARCHIVE_OK)
        rc = ar_fail(w, err, "zstd filter (libarchive built without libzstd?)");
    else if (archive_write_set_filter_option(w->a, "zstd", "compression-level", "3") != ARCHIVE_OK)
        rc = ar_fail(w, err, "zstd level");
    else if (archive_write_set_bytes_in_last_block(w->a, 1) != ARCHIVE_OK)
        rc = ar_fail(w, err, "block padding");
    else if ((rc = aiops_ofile_open(&w->of, path, err)) < 0)
        ;
    else if (archive_write_open_fd(w->a, w->of.fd) != ARCHIVE_OK)
        rc = ar_fail(w, err, "cannot create");
    if (rc) {
        aiops_ofile_abort(&w->of);
        archive_entry_free(w->e);
        if (w->a)
            archive_write_free(w->a);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int aiops_sim_archive_add(aiops_sim_archive *w, const char *member, const char *data, size_t len,
                          aiops_err *err)
{
    struct archive_entry *e = archive_entry_clear(w->e);
    archive_entry_set_pathname(e, member);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, (time_t)w->mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_uname(e, "aiops");
    archive_entry_set_gname(e, "aiops");
    if (archive_write_header(w->a, e) != ARCHIVE_OK)
        return ar_fail(w, err, member);
    size_t off = 0;
    while (off < len) {
        la_ssize_t n = archive_write_data(w->a, data + off, len - off);
        if (n <= 0)
            return ar_fail(w, err, member);
        off += (size_t)n;
    }
    return 0;
}

int aiops_sim_archive_close(aiops_sim_archive *w, aiops_err *err)
{
    if (!w)
        return 0;
    int rc = 0;
    if (archive_write_close(w->a) != ARCHIVE_OK)
        rc = ar_fail(w, err, "finishing the archive");
    if (rc || !err)              /* the run failed: no archive, not a partial one */
        aiops_ofile_abort(&w->of);
    else
        rc = aiops_ofile_commit(&w->of, err);
    archive_write_free(w->a);
    archive_entry_free(w->e);
    free(w);
    return rc;
}
