/* err.c - the aiops_err carrier: libraries fill it, mains print it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aiops.h"

int aiops_err_set(aiops_err *err, int code, const char *file, long line,
                  const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    if (file && file != err->file)
        snprintf(err->file, sizeof err->file, "%s", file);
    else if (!file)
        err->file[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

int aiops_err_locate(aiops_err *err, const char *file, long line)
{
    if (!err)
        return AIOPS_EPARSE;
    if (file && file != err->file)
        snprintf(err->file, sizeof err->file, "%s", file);
    err->line = line;
    return err->code;
}

void aiops_err_clear(aiops_err *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

const char *aiops_err_str(const aiops_err *err, char *buf, size_t n)
{
    if (!err || !buf || n == 0)
        return "";
    if (err->file[0] && err->line > 0)
        snprintf(buf, n, "%s:%ld: %s", err->file, err->line, err->msg);
    else if (err->file[0])
        snprintf(buf, n, "%s: %s", err->file, err->msg);
    else
        snprintf(buf, n, "%s", err->msg);
    return buf;
}
