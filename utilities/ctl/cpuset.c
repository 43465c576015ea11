/* gfp-ctl: CPU sets. */
#include <config.h>

#include "cpuset.h"

#include "ctl-util.h"
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
cpuset_set(struct cpuset *s, unsigned cpu)
{
    if (cpu < CPUSET_MAX) {
        s->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
    }
}

bool
cpuset_has(const struct cpuset *s, unsigned cpu)
{
    return cpu < CPUSET_MAX && (s->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned
cpuset_count(const struct cpuset *s)
{
    unsigned n = 0;

    for (size_t i = 0; i < ARRAY_SIZE(s->bits); i++) {
        n += __builtin_popcountll(s->bits[i]);
    }
    return n;
}

int
cpuset_parse_mask(const char *s, struct cpuset *set)
{
    size_t len;

    memset(set, 0, sizeof *set);
    if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
        s += 2;
    }
    len = strlen(s);
    if (!len) {
        return -EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        int c = tolower((unsigned char) s[len - 1 - i]);
        int v = isdigit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                             : -1;

        if (v < 0) {
            return -EINVAL;
        }
        for (int b = 0; b < 4; b++) {
            if (v & (1 << b)) {
                if (i * 4 + b >= CPUSET_MAX) {
                    return -ERANGE;
                }
                cpuset_set(set, i * 4 + b);
            }
        }
    }
    return 0;
}

int
cpuset_parse_list(const char *s, struct cpuset *set)
{
    memset(set, 0, sizeof *set);
    while (*s) {
        unsigned long a, b;
        char *end;

        if (!isdigit((unsigned char) *s)) {
            return -EINVAL;
        }
        a = b = strtoul(s, &end, 10);
        if (*end == '-') {
            if (!isdigit((unsigned char) end[1])) {
                return -EINVAL;
            }
            b = strtoul(end + 1, &end, 10);
        }
        if (b < a || b >= CPUSET_MAX) {
            return -ERANGE;
        }
        for (unsigned long c = a; c <= b; c++) {
            cpuset_set(set, c);
        }
        if (*end == ',') {
            end++;
        } else if (*end) {
            return -EINVAL;
        }
        s = end;
    }
    return 0;
}

char *
cpuset_mask(const struct cpuset *s)
{
    char buf[CPUSET_MAX / 4 + 3];
    int top = ARRAY_SIZE(s->bits) - 1;
    size_t len;

    while (top > 0 && !s->bits[top]) {
        top--;
    }
    len = snprintf(buf, sizeof buf, "0x%" PRIx64, s->bits[top]);
    for (int i = top - 1; i >= 0; i--) {
        len += snprintf(buf + len, sizeof buf - len, "%016" PRIx64,
                        s->bits[i]);
    }
    return ctl_xstrdup(buf);
}

void
cpuset_list(const struct cpuset *s, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (unsigned c = 0; c < CPUSET_MAX; c++) {
        if (cpuset_has(s, c)) {
            int n = snprintf(buf + len, size - len, "%s%u", len ? "," : "",
                             c);

            if (n < 0 || (size_t) n >= size - len) {
                snprintf(buf + (size > 4 ? size - 4 : 0), 4, "...");
                return;
            }
            len += n;
        }
    }
}
