/* What the libFuzzer targets in tests/fuzz share.
 *
 * Each target is one program: libFuzzer calls LLVMFuzzerTestOneInput()
 * with one input at a time.  A target returns 0; it reports a broken
 * invariant with fuzz_fail(), which aborts, so that libFuzzer saves the
 * input as a crash. */
#ifndef GFP_FUZZ_H
#define GFP_FUZZ_H 1

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints "fuzz: MESSAGE" and aborts. */
void fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Returns a NUL-terminated copy of 'data' (malloc'd, exactly size + 1
 * bytes, so that an overread is caught). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Replaces the content of a memory file (created on first use) with
 * 'data' and returns a path that opens it ("/proc/self/fd/N"). */
const char *fuzz_file(const uint8_t *data, size_t size);

/* Checks that 'err', a buffer of 'len' bytes, holds a non-empty message
 * NUL-terminated within it; 'what' names the caller. */
void fuzz_check_err(const char *what, const char *err, size_t len);

#endif /* fuzz.h */
