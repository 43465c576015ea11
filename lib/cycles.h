/* A cheap cycle counter for busy-cycle accounting. */
#ifndef GFP_CYCLES_H
#define GFP_CYCLES_H 1

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static inline uint64_t
cycles_now(void)
{
    return __rdtsc();
}
#elif defined(__aarch64__)
static inline uint64_t
cycles_now(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
    return v;
}
#else
#include <time.h>
static inline uint64_t
cycles_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}
#endif

/* Cycles per second of cycles_now(), measured once over ~100 ms. */
uint64_t cycles_hz(void);

#endif /* cycles.h */
