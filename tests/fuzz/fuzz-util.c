/* Helpers of the libFuzzer targets (see fuzz.h). */
#include <config.h>
#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void
fuzz_fail(const char *fmt, ...)
{
    va_list args;

    fputs("fuzz: ", stderr);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    abort();
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s) {
        fuzz_fail("out of memory");
    }
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

const char *
fuzz_file(const uint8_t *data, size_t size)
{
    static char path[64];
    static int fd = -1;

    if (fd < 0) {
        fd = memfd_create("gfp-fuzz", MFD_CLOEXEC);
        if (fd < 0) {
            fuzz_fail("memfd_create failed");
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t) size) {
        fuzz_fail("cannot write the input to %s", path);
    }
    return path;
}

void
fuzz_check_err(const char *what, const char *err, size_t len)
{
    size_t n = strnlen(err, len);

    if (n == len) {
        fuzz_fail("%s: error message not NUL-terminated", what);
    }
    if (!n) {
        fuzz_fail("%s: failed without an error message", what);
    }
}
