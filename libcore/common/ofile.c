/* ofile.c - crash-safe output files and the list of temporary names
 * removed on a signal (ofile.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ofile.h"

#define NTMP 64

static char *volatile tmps[NTMP];

void aiops_tmp_add(const char *path)
{
    for (int i = 0; i < NTMP; i++)
        if (!tmps[i]) {
            char *p = strdup(path);
            tmps[i] = p;
            return;
        }
}

void aiops_tmp_forget(const char *path)
{
    for (int i = 0; i < NTMP; i++)
        if (tmps[i] && !strcmp(tmps[i], path)) {
            char *p = tmps[i];
            tmps[i] = NULL;
            free(p);
            return;
        }
}

void aiops_tmp_cleanup(void)
{
    for (int i = 0; i < NTMP; i++) {
        char *p = tmps[i];
        if (p)
            unlink(p);
    }
    for (int i = 0; i < NTMP; i++) {   /* directories, once emptied */
        char *p = tmps[i];
        if (p)
            rmdir(p);
    }
}

static int fail(aiops_ofile *o, aiops_err *err, const char *what, int e)
{
    int rc = aiops_err_set(err, AIOPS_EIO, o->path, 0, "%s: %s", what, strerror(e));
    aiops_ofile_abort(o);
    return rc;
}

int aiops_ofile_open(aiops_ofile *o, const char *path, aiops_err *err)
{
    struct stat st;
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (!path || !strcmp(path, "-")) {
        snprintf(o->path, sizeof o->path, "<stdout>");
        o->fd = 1;
        return 0;
    }
    size_t n = strlen(path);
    if (n + 16 >= sizeof o->tmp)
        return aiops_err_set(err, AIOPS_EIO, NULL, 0, "output file name longer than %zu bytes",
                             sizeof o->tmp - 16);
    snprintf(o->path, sizeof o->path, "%s", path);
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {       /* a device or a pipe: in place */
        o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (o->fd < 0)
            return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot create: %s", strerror(errno));
        return 0;
    }
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.tmp-XXXXXX", (int)dl, path, path + dl);
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0) {
        int e = errno;
        o->tmp[0] = '\0';
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot create: %s", strerror(e));
    }
    aiops_tmp_add(o->tmp);
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    }
    if (fchmod(o->fd, mode) != 0)
        return fail(o, err, "cannot create", errno);
    return 0;
}

FILE *aiops_ofile_fp(aiops_ofile *o, aiops_err *err)
{
    if (o->f)
        return o->f;
    o->f = o->fd == 1 ? stdout : fdopen(o->fd, "wb");
    if (!o->f)
        aiops_err_set(err, AIOPS_ENOMEM, o->path, 0, "out of memory");
    return o->f;
}

int aiops_ofile_commit(aiops_ofile *o, aiops_err *err)
{
    if (o->fd < 0)
        return 0;
    errno = 0;
    if (o->f && (fflush(o->f) != 0 || ferror(o->f)))
        return fail(o, err, "write failed", errno ? errno : EIO);
    if (o->fd == 1) {
        o->fd = -1;
        o->f = NULL;
        return 0;
    }
    int rc = o->f ? fclose(o->f) : close(o->fd);
    o->f = NULL;
    o->fd = -1;
    if (rc != 0)
        return fail(o, err, "write failed", errno);
    if (o->tmp[0] && rename(o->tmp, o->path) != 0)
        return fail(o, err, "cannot move the finished file into place", errno);
    if (o->tmp[0])
        aiops_tmp_forget(o->tmp);
    o->tmp[0] = '\0';
    return 0;
}

void aiops_ofile_abort(aiops_ofile *o)
{
    if (o->fd == 1) {
        if (o->f)
            fflush(o->f);
    } else if (o->f) {
        fclose(o->f);
    } else if (o->fd >= 0) {
        close(o->fd);
    }
    o->f = NULL;
    o->fd = -1;
    if (o->tmp[0]) {
        unlink(o->tmp);
        aiops_tmp_forget(o->tmp);
        o->tmp[0] = '\0';
    }
}

int aiops_ofile_save(const char *path, const void *data, size_t n, aiops_err *err)
{
    aiops_ofile o;
    int rc = aiops_ofile_open(&o, path, err);
    if (rc)
        return rc;
    const char *p = data;
    if (o.fd == 1)
        fflush(stdout);          /* what went out through stdio first */
    while (n) {
        ssize_t w = write(o.fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return fail(&o, err, "write failed", w < 0 ? errno : ENOSPC);
        p += w;
        n -= (size_t)w;
    }
    return aiops_ofile_commit(&o, err);
}

const char *aiops_tmp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && dir[0] ? dir : "/tmp";
}

FILE *aiops_tmp_file(const char *prefix)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-XXXXXX", aiops_tmp_dir(), prefix);
    errno = 0;
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}
