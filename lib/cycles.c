#include <config.h>
#include "cycles.h"

#include <time.h>

uint64_t
cycles_hz(void)
{
    static uint64_t hz;
    struct timespec t0, t1, pause = { 0, 100 * 1000 * 1000 };
    uint64_t c0, c1, ns;

    if (hz) {
        return hz;
    }
    clock_gettime(CLOCK_MONOTONIC_RAW, &t0);
    c0 = cycles_now();
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC_RAW, &t1);
    c1 = cycles_now();
    ns = (t1.tv_sec - t0.tv_sec) * 1000000000ull + t1.tv_nsec - t0.tv_nsec;
    hz = ns ? (c1 - c0) * 1000000000.0 / ns : 1;
    return hz;
}
