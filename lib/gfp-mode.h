/* gfp-fwd's packet-I/O modes: one table of names, used by the config
 * file, the command line, the control socket and gfp-ctl compat.  What
 * each mode does is its class in guest/ (struct dp_mode_class). */
#ifndef GFP_GFP_MODE_H
#define GFP_GFP_MODE_H 1

#include <stddef.h>

/* Where a mode's ports come from, which decides the settings it takes:
 * EAL: the EAL's devices (the EAL options) on its lcores; 'ifaces' and
 * 'workers' do not apply.  IFACES: the kernel interfaces of 'ifaces', on
 * 'workers' threads. */
enum gfp_mode_ports {
    GFP_MODE_PORTS_EAL,
    GFP_MODE_PORTS_IFACES,
};

/* GFP_MODE(ENUM, NAME, PORTS, MEANING): one line per mode.  NAME is the
 * mode's name as a word: "NAME" on the command line, and its class
 * mode_NAME_class in guest/mode-NAME.c. */
#define GFP_MODES(GFP_MODE)                                               \
    GFP_MODE(DPDK, dpdk, EAL, "ports are DPDK ethdevs (the default)")     \
    GFP_MODE(MMAP, mmap, IFACES,                                          \
             "ports are kernel interfaces, TPACKET_V3 rings")             \
    GFP_MODE(XDP, xdp, IFACES,                                            \
             "ports are kernel interfaces, AF_XDP sockets")

enum gfp_mode {
#define GFP_MODE_ENUM(ENUM, NAME, PORTS, MEANING) GFP_MODE_##ENUM,
    GFP_MODES(GFP_MODE_ENUM)
#undef GFP_MODE_ENUM
    GFP_N_MODES
};

/* The name of 'mode' ("dpdk", "mmap"), or "?" for a value out of range. */
const char *gfp_mode_name(enum gfp_mode mode);

/* The one-line meaning of 'mode', for usage texts. */
const char *gfp_mode_meaning(enum gfp_mode mode);

/* Where 'mode''s ports come from. */
enum gfp_mode_ports gfp_mode_ports(enum gfp_mode mode);

/* Sets '*mode' to the mode named 'name' and returns 0, or returns -EINVAL
 * for a name that is no mode ('*mode' untouched). */
int gfp_mode_from_name(const char *name, enum gfp_mode *mode);

/* Writes "dpdk or mmap" (every name, for an error message) to 'buf' and
 * returns 'buf'. */
#define GFP_MODE_CHOICES_LEN 64
char *gfp_mode_choices(char buf[GFP_MODE_CHOICES_LEN]);

/* Writes "dpdk|mmap" (every name, for a usage text) to 'buf' and returns
 * 'buf'. */
char *gfp_mode_alternatives(char buf[GFP_MODE_CHOICES_LEN]);

/* The same as gfp_mode_choices() for the modes whose ports come from
 * 'ports' only. */
char *gfp_mode_choices_for(enum gfp_mode_ports ports,
                           char buf[GFP_MODE_CHOICES_LEN]);

#endif /* gfp-mode.h */
