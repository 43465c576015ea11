#include <config.h>
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int
parse_uint(const char *s, unsigned long long min, unsigned long long max,
           unsigned long long *out)
{
    unsigned long long v;
    char *end;

    /* strtoull() accepts leading blanks and signs; a count must not. */
    if (!s || !isdigit((unsigned char) s[0])) {
        return -EINVAL;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*end != '\0') {
        return -EINVAL;
    }
    if (errno == ERANGE || v < min || v > max) {
        return -ERANGE;
    }
    *out = v;
    return 0;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
parse_mac(const char *s, uint8_t mac[GFP_ETH_ALEN])
{
    for (int i = 0; i < GFP_ETH_ALEN; i++) {
        int hi = hexval((unsigned char) s[0]);
        int lo = hi < 0 ? -1 : hexval((unsigned char) s[1]);

        if (lo < 0) {
            return -EINVAL;
        }
        mac[i] = hi << 4 | lo;
        s += 2;
        if (i < GFP_ETH_ALEN - 1) {
            if (*s != ':') {
                return -EINVAL;
            }
            s++;
        }
    }
    return *s ? -EINVAL : 0;
}

void
format_mac(const uint8_t mac[GFP_ETH_ALEN], char buf[18])
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
             mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}
