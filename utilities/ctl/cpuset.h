/* gfp-ctl: CPU sets, as the kernel lists them ("0-3,8") and as OVS's
 * pmd-cpu-mask writes them ("0x3"). */
#ifndef GFP_CTL_CPUSET_H
#define GFP_CTL_CPUSET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPUSET_MAX 1024

struct cpuset {
    uint64_t bits[CPUSET_MAX / 64];
};

void cpuset_set(struct cpuset *, unsigned cpu);
bool cpuset_has(const struct cpuset *, unsigned cpu);
unsigned cpuset_count(const struct cpuset *);

/* Parses a hex CPU mask ("0x3", "f0"), as OVS's pmd-cpu-mask.  -EINVAL
 * for anything but hex digits, -ERANGE for a CPU from CPUSET_MAX on. */
int cpuset_parse_mask(const char *, struct cpuset *);

/* Parses a kernel CPU list ("0-3,8,10-11"); "" is the empty set. */
int cpuset_parse_list(const char *, struct cpuset *);

/* The set as a hex mask "0x..." (malloc'd). */
char *cpuset_mask(const struct cpuset *);

/* The set as a list "0,1,4" in 'buf' ("..." when cut). */
void cpuset_list(const struct cpuset *, char *buf, size_t size);

#endif /* ctl-cpuset.h */
