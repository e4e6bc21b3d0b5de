/* test_timezone.c - libcore/timefmt.c: the zone of times written without
 * one (aiops_time_zone_set, aiops_local_time): UTC by default, IANA zones
 * from the system zoneinfo in winter and summer, the instants chosen in
 * DST gaps and overlaps, zoned forms and epochs unaffected, and unknown
 * names rejected (issue 19 item 12).  Zone tests skip when the zoneinfo
 * (Debian's tzdata) is not installed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"

/* 2024-01-15T12:00:00Z and 2024-07-15T12:00:00Z */
#define WINTER 1705320000.0
#define SUMMER 1721044800.0

static double t_of(const char *s)
{
    double t = -12345;
    if (aiops_parse_time(s, strlen(s), &t))
        fail_msg("'%s' rejected", s);
    return t;
}

static void use_zone(const char *z)
{
    aiops_err err = {0};
    char path[256];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", z);
    FILE *f = fopen(path, "rb");
    if (!f)
        skip();
    fclose(f);
    if (aiops_time_zone_set(z, &err))
        fail_msg("%s: %s", z, err.msg);
}

static int reset(void **state)
{
    (void)state;
    return aiops_time_zone_set(NULL, NULL);
}

static void test_default_utc(void **state)
{
    assert_string_equal(aiops_time_zone(), "UTC");
    assert_true(t_of("2024-01-15 12:00:00") == WINTER);
    assert_true(t_of("2024-07-15T12:00:00") == SUMMER);
    assert_true(t_of("2024-07-15") == SUMMER - 12 * 3600);
    assert_int_equal(aiops_time_zone_set("UTC", NULL), 0);
    assert_int_equal(aiops_time_zone_set("", NULL), 0);
    assert_true(t_of("2024-01-15 12:00:00") == WINTER);
    assert_true(aiops_local_time(2024, 1, 15, 12, 0, 0.25) == WINTER + 0.25);
}

static void test_berlin_winter_summer(void **state)
{
    use_zone("Europe/Berlin");
    assert_string_equal(aiops_time_zone(), "Europe/Berlin");
    assert_true(t_of("2024-01-15 12:00:00") == WINTER - 3600);
    assert_true(t_of("2024-07-15 12:00:00") == SUMMER - 7200);
    assert_true(t_of("2024-07-15T12:00:00.5") == SUMMER - 7200 + 0.5);
    assert_true(t_of("2024-07-15") == SUMMER - 12 * 3600 - 7200);   /* local midnight */
    assert_true(aiops_local_time(2024, 1, 15, 12, 0, 30.5) == WINTER - 3600 + 30.5);
    /* Times with a zone, and epochs, are not affected. */
    assert_true(t_of("2024-07-15T12:00:00Z") == SUMMER);
    assert_true(t_of("2024-07-15 12:00:00 UTC") == SUMMER);
    assert_true(t_of("2024-07-15T14:00:00+02:00") == SUMMER);
    assert_true(t_of("1721044800") == SUMMER);
    assert_true(t_of("1721044800000") == SUMMER);
}

/* 2024-03-31 02:00 -> 03:00 (gap), 2024-10-27 03:00 -> 02:00 (overlap). */
static void test_berlin_gap_overlap(void **state)
{
    use_zone("Europe/Berlin");
    /* 01:59:59 CET and 03:00:00 CEST are one second apart */
    assert_true(t_of("2024-03-31 03:00:00") - t_of("2024-03-31 01:59:59") == 1);
    /* in the gap: the offset before the change (+1), = 03:30 CEST */
    assert_true(t_of("2024-03-31 02:30:00") == 1711848600);   /* 01:30Z */
    /* twice: the earlier instant (still CEST, +2) */
    assert_true(t_of("2024-10-27 02:30:00") == 1729989000);   /* 00:30Z */
    assert_true(t_of("2024-10-27 01:59:59") == 1729987199);   /* 23:59:59Z */
    assert_true(t_of("2024-10-27 03:00:00") == 1729994400);   /* 02:00Z, CET */
}

static void test_other_zones(void **state)
{
    use_zone("America/New_York");
    assert_true(t_of("2024-01-15 12:00:00") == WINTER + 5 * 3600);
    assert_true(t_of("2024-07-15 12:00:00") == SUMMER + 4 * 3600);
    use_zone("Asia/Kolkata");
    assert_true(t_of("2024-07-15 12:00:00") == SUMMER - 5.5 * 3600);
    /* TZ's spelling with a leading ':' */
    assert_int_equal(aiops_time_zone_set(":Asia/Tokyo", NULL), 0);
    assert_true(t_of("2024-07-15 12:00:00") == SUMMER - 9 * 3600);
}

static void test_unknown_zone(void **state)
{
    aiops_err err = {0};
    assert_int_equal(aiops_time_zone_set("Mars/Olympus_Mons", &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "'Mars/Olympus_Mons'"));
    assert_int_equal(aiops_time_zone_set("../../etc/passwd", &err), AIOPS_EINVAL);
    assert_int_equal(aiops_time_zone_set("/etc/localtime", &err), AIOPS_EINVAL);
    assert_int_equal(aiops_time_zone_set("Europe//Berlin", &err), AIOPS_EINVAL);
    assert_int_equal(aiops_time_zone_set("EST5EDT,M3.2.0,M11.1.0", &err), AIOPS_EINVAL);
    /* a rejected name leaves the zone as it was */
    assert_string_equal(aiops_time_zone(), "UTC");
    assert_true(t_of("2024-01-15 12:00:00") == WINTER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_default_utc, reset),
        cmocka_unit_test_teardown(test_berlin_winter_summer, reset),
        cmocka_unit_test_teardown(test_berlin_gap_overlap, reset),
        cmocka_unit_test_teardown(test_other_zones, reset),
        cmocka_unit_test_teardown(test_unknown_zone, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
