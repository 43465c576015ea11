/* gfp-fwd's packet-I/O modes: one table of names, used by the config
 * file, the command line, the control socket and gfp-ctl compat.  What
 * each mode does is its class in guest/ (struct dp_mode_class). */
#ifndef GFP_GFP_MODE_H
#define GFP_GFP_MODE_H 1

#include <stddef.h>

/* GFP_MODE(ENUM, NAME, MEANING): one line per mode. */
#define GFP_MODES(GFP_MODE)                                               \
    GFP_MODE(DPDK, "dpdk", "ports are DPDK ethdevs (the default)")        \
    GFP_MODE(MMAP, "mmap", "ports are kernel interfaces, TPACKET_V3 rings")

enum gfp_mode {
#define GFP_MODE_ENUM(ENUM, NAME, MEANING) GFP_MODE_##ENUM,
    GFP_MODES(GFP_MODE_ENUM)
#undef GFP_MODE_ENUM
    GFP_N_MODES
};

/* The name of 'mode' ("dpdk", "mmap"), or "?" for a value out of range. */
const char *gfp_mode_name(enum gfp_mode mode);

/* The one-line meaning of 'mode', for usage texts. */
const char *gfp_mode_meaning(enum gfp_mode mode);

/* Sets '*mode' to the mode named 'name' and returns 0, or returns -EINVAL
 * for a name that is no mode ('*mode' untouched). */
int gfp_mode_from_name(const char *name, enum gfp_mode *mode);

/* Writes "dpdk or mmap" (every name, for an error message) to 'buf' and
 * returns 'buf'. */
#define GFP_MODE_CHOICES_LEN 64
char *gfp_mode_choices(char buf[GFP_MODE_CHOICES_LEN]);

#endif /* gfp-mode.h */
