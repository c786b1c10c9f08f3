/* Scalar parsers for scenarios and --set: durations ("200ms", "1.5s",
 * "4min"), percentages ("0.5%" -> parts per million), bit rates ("100Mbit"),
 * unsigned integers, booleans and IPv4 addresses. Pure functions on strings;
 * the messages that explain a failure are written by scenario_value.c.
 *
 * Decimals are parsed exactly in integer arithmetic (no double), so "1.1s"
 * is 1100000000 ns, not 1099999999. */
#include "scenario_internal.h"

#include <string.h>
#include <strings.h>

struct scn_unit {
    const char *name;
    uint64_t scale;
};

static const struct scn_unit scn_time_units[] = {
    {"ns", 1},
    {"us", 1000},
    {"ms", 1000000},
    {"s", 1000000000},
    {"min", 60ULL * 1000000000},
    {"h", 3600ULL * 1000000000},
};

/* Bit rates; case-insensitive because "mbit" (tc) and "Mbit" both mean 10^6. */
static const struct scn_unit scn_rate_units[] = {
    {"bit", 1},        {"bps", 1},        {"kbit", 1000},       {"kbps", 1000},
    {"mbit", 1000000}, {"mbps", 1000000}, {"gbit", 1000000000}, {"gbps", 1000000000},
};

#define SCN_PPM_PER_PERCENT 10000 /* 1% = 10000 parts per million */

static bool scn_is_digit(char c) { return c >= '0' && c <= '9'; }

/* Reads "I" or "I.F" at *p: the digits as one integer and how many of them
 * follow the point. Leaves *p after the number. */
static enum scn_parse scn_decimal(const char **p, uint64_t *mant, unsigned *scale)
{
    const char *s = *p;
    uint64_t m = 0;
    unsigned frac = 0;
    bool point = false;

    if (!scn_is_digit(*s))
        return SCN_PARSE_BAD; /* also rejects ".5" and "+1" */
    for (;; s++) {
        if (*s == '.' && !point) {
            point = true;
            continue;
        }
        if (!scn_is_digit(*s))
            break;
        unsigned d = (unsigned)(*s - '0');
        if (m > (UINT64_MAX - d) / 10)
            return SCN_PARSE_RANGE;
        m = m * 10 + d;
        if (point)
            frac++;
    }
    if (point && frac == 0)
        return SCN_PARSE_BAD; /* "1." */
    *p = s;
    *mant = m;
    *scale = frac;
    return SCN_PARSE_OK;
}

/* mant / 10^scale * unit, exactly; BAD if the result is not a whole number. */
static enum scn_parse scn_scaled(uint64_t mant, unsigned scale, uint64_t unit, uint64_t *out)
{
    while (scale > 0 && unit % 10 == 0) {
        unit /= 10;
        scale--;
    }
    if (unit != 0 && mant > UINT64_MAX / unit)
        return SCN_PARSE_RANGE;
    uint64_t v = mant * unit;
    for (; scale > 0; scale--) {
        if (v % 10 != 0)
            return SCN_PARSE_BAD; /* finer than the smallest unit (1 ns, 1 ppm, 1 bit/s) */
        v /= 10;
    }
    *out = v;
    return SCN_PARSE_OK;
}

/* A number followed by one of `units` (or the bare number "0"). */
static enum scn_parse scn_with_unit(const char *text, const struct scn_unit *units, size_t n,
                                    bool fold_case, uint64_t *out)
{
    const char *p = text;
    uint64_t mant;
    unsigned scale;

    if (!text)
        return SCN_PARSE_BAD;
    if (strcmp(text, "0") == 0) {
        *out = 0;
        return SCN_PARSE_OK;
    }
    enum scn_parse rc = scn_decimal(&p, &mant, &scale);
    if (rc != SCN_PARSE_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        bool same = fold_case ? strcasecmp(p, units[i].name) == 0 : strcmp(p, units[i].name) == 0;
        if (same)
            return scn_scaled(mant, scale, units[i].scale, out);
    }
    return SCN_PARSE_BAD;
}

/* "-X" where X parses: NEGATIVE; otherwise BAD. */
static enum scn_parse scn_negative(enum scn_parse rest)
{
    return rest == SCN_PARSE_OK || rest == SCN_PARSE_RANGE ? SCN_PARSE_NEGATIVE : SCN_PARSE_BAD;
}

enum scn_parse scn_parse_duration(const char *text, sim_time_t *out)
{
    uint64_t v;
    if (text && text[0] == '-')
        return scn_negative(scn_parse_duration(text + 1, &(sim_time_t){0}));
    enum scn_parse rc = scn_with_unit(text, scn_time_units,
                                      sizeof scn_time_units / sizeof scn_time_units[0], false, &v);
    if (rc != SCN_PARSE_OK)
        return rc;
    if (v > (uint64_t)SCN_DURATION_MAX)
        return SCN_PARSE_RANGE;
    *out = (sim_time_t)v;
    return SCN_PARSE_OK;
}

enum scn_parse scn_parse_percent(const char *text, uint32_t *ppm)
{
    uint64_t mant, v;
    unsigned scale;
    const char *p = text;

    if (text && text[0] == '-')
        return scn_negative(scn_parse_percent(text + 1, &(uint32_t){0}));
    if (text && strcmp(text, "0") == 0) {
        *ppm = 0;
        return SCN_PARSE_OK;
    }
    if (!text || scn_decimal(&p, &mant, &scale) != SCN_PARSE_OK || strcmp(p, "%") != 0)
        return SCN_PARSE_BAD;
    enum scn_parse rc = scn_scaled(mant, scale, SCN_PPM_PER_PERCENT, &v);
    if (rc != SCN_PARSE_OK)
        return rc;
    if (v > 100 * SCN_PPM_PER_PERCENT)
        return SCN_PARSE_RANGE;
    *ppm = (uint32_t)v;
    return SCN_PARSE_OK;
}

enum scn_parse scn_parse_rate(const char *text, uint64_t *bps)
{
    if (text && text[0] == '-')
        return scn_negative(scn_parse_rate(text + 1, &(uint64_t){0}));
    return scn_with_unit(text, scn_rate_units, sizeof scn_rate_units / sizeof scn_rate_units[0],
                         true, bps);
}

enum scn_parse scn_parse_uint(const char *text, uint64_t *out)
{
    uint64_t v = 0;

    if (!text || !*text)
        return SCN_PARSE_BAD;
    if (text[0] == '-')
        return scn_negative(scn_parse_uint(text + 1, &(uint64_t){0}));
    for (const char *p = text; *p; p++) {
        if (!scn_is_digit(*p))
            return SCN_PARSE_BAD;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return SCN_PARSE_RANGE;
        v = v * 10 + d;
    }
    *out = v;
    return SCN_PARSE_OK;
}

enum scn_parse scn_parse_bool(const char *text, bool *out)
{
    /* YAML 1.2 core schema booleans; no yes/no/on/off guessing. */
    static const char *const yes[] = {"true", "True", "TRUE"};
    static const char *const no[] = {"false", "False", "FALSE"};
    for (size_t i = 0; text && i < 3; i++) {
        if (strcmp(text, yes[i]) == 0) {
            *out = true;
            return SCN_PARSE_OK;
        }
        if (strcmp(text, no[i]) == 0) {
            *out = false;
            return SCN_PARSE_OK;
        }
    }
    return SCN_PARSE_BAD;
}

/* ---- the public wrappers (scenario.h) ---- */

int scenario_parse_duration(const char *text, sim_time_t *out)
{
    return scn_parse_duration(text, out) == SCN_PARSE_OK ? 0 : -1;
}

int scenario_parse_percent_ppm(const char *text, uint32_t *out)
{
    return scn_parse_percent(text, out) == SCN_PARSE_OK ? 0 : -1;
}

int scenario_parse_rate_bps(const char *text, uint64_t *out)
{
    return scn_parse_rate(text, out) == SCN_PARSE_OK ? 0 : -1;
}

int scenario_parse_addr(const char *text, uint32_t *out)
{
    uint32_t addr = 0;
    const char *p = text;

    if (!text)
        return -1;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        for (; scn_is_digit(*p) && digits < 4; p++, digits++)
            v = v * 10 + (unsigned)(*p - '0');
        if (digits == 0 || digits > 3 || v > 255)
            return -1;
        addr = addr << 8 | v;
        if (part < 3 && *p++ != '.')
            return -1;
    }
    if (*p != '\0')
        return -1;
    *out = addr;
    return 0;
}
