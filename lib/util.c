#include <config.h>
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int
write_file_replace(const char *path, const void *data, size_t len)
{
    const char *p = data;
    size_t path_len = strlen(path);
    char *tmp = malloc(path_len + sizeof ".XXXXXX");
    int fd, error = 0;

    if (!tmp) {
        return -ENOMEM;
    }
    /* A new file of a name nobody can guess, created here (O_EXCL): a link
     * planted in the directory is never followed.  rename() then replaces
     * whatever 'path' is, a symlink included, without following it. */
    memcpy(tmp, path, path_len);
    memcpy(tmp + path_len, ".XXXXXX", sizeof ".XXXXXX");
    fd = mkstemp(tmp);
    if (fd < 0) {
        error = -errno;
        free(tmp);
        return error;
    }
    while (len && !error) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno != EINTR) {
            error = -errno;
        } else if (n > 0) {
            p += n;
            len -= n;
        }
    }
    if (!error && fchmod(fd, 0644)) {
        error = -errno;
    }
    if (close(fd) && !error) {
        error = -errno;
    }
    if (!error && rename(tmp, path)) {
        error = -errno;
    }
    if (error) {
        unlink(tmp);
    }
    free(tmp);
    return error;
}
