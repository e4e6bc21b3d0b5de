/* test_ofile.c - libcore/common/ofile.h: a file appears whole on commit
 * and never before (its temporary sits beside it), abort leaves the older
 * file, a full device is an error naming the reason, and the signal list
 * removes temporaries and directories. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "aiops.h"
#include "common/ofile.h"

static char dir[64];

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/aiops-ofile.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **st)
{
    char cmd[128];
    (void)st;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int nfiles(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 0", dir);
    int none = system(cmd) == 0;
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
    return none ? 0 : system(cmd) == 0 ? 1 : 2;
}

static void slurp(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t k = fread(out, 1, n - 1, f);
    out[k] = '\0';
    fclose(f);
}

static void test_commit(void **st)
{
    (void)st;
    char path[128], got[64];
    aiops_err err = {0};
    aiops_ofile o;
    snprintf(path, sizeof path, "%s/out.txt", dir);
    assert_int_equal(aiops_ofile_open(&o, path, &err), 0);
    assert_non_null(strstr(o.tmp, "/.out.txt.tmp-"));
    assert_int_equal(strncmp(o.tmp, dir, strlen(dir)), 0);
    FILE *f = aiops_ofile_fp(&o, &err);
    assert_non_null(f);
    fputs("hello\n", f);
    assert_int_equal(access(path, F_OK), -1);      /* not there before commit */
    assert_int_equal(aiops_ofile_commit(&o, &err), 0);
    slurp(path, got, sizeof got);
    assert_string_equal(got, "hello\n");
    assert_int_equal(nfiles(), 1);                 /* no temporary left */
    /* abort: the older file stays as it was */
    assert_int_equal(aiops_ofile_open(&o, path, &err), 0);
    assert_int_equal(write(o.fd, "partial", 7), 7);
    aiops_ofile_abort(&o);
    slurp(path, got, sizeof got);
    assert_string_equal(got, "hello\n");
    assert_int_equal(nfiles(), 1);
    aiops_ofile_abort(&o);                         /* twice: harmless */
    assert_int_equal(aiops_ofile_save(path, "x", 1, &err), 0);
    slurp(path, got, sizeof got);
    assert_string_equal(got, "x");
    unlink(path);
}

static void test_errors(void **st)
{
    (void)st;
    aiops_err err = {0};
    char buf[1400];
    assert_int_equal(aiops_ofile_save("/dev/full", "data", 4, &err), AIOPS_EIO);
    assert_string_equal(aiops_err_str(&err, buf, sizeof buf),
                        "/dev/full: write failed: No space left on device");
    char path[128];
    snprintf(path, sizeof path, "%s/no/such/dir/out.txt", dir);
    assert_int_equal(aiops_ofile_save(path, "data", 4, &err), AIOPS_EIO);
    assert_non_null(strstr(err.msg, "cannot create: No such file or directory"));
}

static void test_cleanup(void **st)
{
    (void)st;
    char sub[128], file[160];
    aiops_ofile o;
    aiops_err err = {0};
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(file, sizeof file, "%s/f", sub);
    assert_int_equal(mkdir(sub, 0700), 0);
    aiops_tmp_add(sub);
    aiops_tmp_add(file);
    FILE *f = fopen(file, "w");
    fclose(f);
    snprintf(file, sizeof file, "%s/out.txt", dir);
    assert_int_equal(aiops_ofile_open(&o, file, &err), 0);
    aiops_tmp_cleanup();                           /* what a signal handler does */
    assert_int_equal(nfiles(), 0);
    aiops_tmp_forget(sub);
    snprintf(file, sizeof file, "%s/f", sub);
    aiops_tmp_forget(file);
    aiops_ofile_abort(&o);
}

/* A scratch file: under $TMPDIR, unlinked at once (the directory stays
 * empty), readable back; an unusable $TMPDIR gives NULL and errno. */
static void test_tmp_file(void **st)
{
    (void)st;
    char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", dir, 1);
    assert_string_equal(aiops_tmp_dir(), dir);
    FILE *f = aiops_tmp_file("aiops-test");
    assert_non_null(f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s | grep aiops-test)\"", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(fputs("spilled", f) >= 0, 1);
    rewind(f);
    char got[16] = {0};
    assert_non_null(fgets(got, sizeof got, f));
    assert_string_equal(got, "spilled");
    fclose(f);
    setenv("TMPDIR", "/nonexistent-aiops-dir", 1);
    errno = 0;
    assert_null(aiops_tmp_file("aiops-test"));
    assert_int_not_equal(errno, 0);
    setenv("TMPDIR", "", 1);
    assert_string_equal(aiops_tmp_dir(), "/tmp");
    if (old)
        setenv("TMPDIR", old, 1);
    else
        unsetenv("TMPDIR");
    free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_cleanup),
        cmocka_unit_test(test_tmp_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
