/* gfp-fwd configuration: one struct, filled from the command line and the
 * config file through the same strict setter, validated as a whole before
 * anything starts. */
#ifndef GFP_GFP_CONFIG_H
#define GFP_GFP_CONFIG_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gfp-mode.h"
#include "util.h"

#define CONFIG_MAX_PORTS 32
#define CONFIG_MAX_QUEUES 16
#define CONFIG_ERR_LEN 256
#define CONFIG_LINE_MAX 1022     /* Characters in a config file line. */

struct config_mac {
    bool set;
    uint8_t mac[GFP_ETH_ALEN];
};

struct config {
    enum gfp_mode mode;
    char ifaces[CONFIG_MAX_PORTS][16];  /* MMAP mode: port N's interface. */
    unsigned n_ifaces;
    unsigned workers;               /* MMAP mode; 0: one per queue. */
    char engine[16];                /* "io", "macswap", "l2". */
    unsigned n_pairs;               /* 0: pair ports 0-1, 2-3, ... */
    uint16_t pairs[CONFIG_MAX_PORTS][2];
    unsigned queues;                /* Rx and tx queues per port. */
    unsigned rxd, txd;              /* Descriptors per queue. */
    unsigned burst;
    unsigned mtu;
    unsigned mbuf_size;             /* 0: chosen from the MTU. */
    unsigned n_mbufs;               /* 0: computed per port. */
    unsigned stats_period;          /* Seconds; 0 disables. */
    char stats_file[256];           /* Final counters as JSON; "" = none. */
    char ctl_socket[108];           /* Control socket path; "" = none. */
    char ctl_group[33];             /* Also lets this group in; "" = none. */
    unsigned ctl_idle_timeout;      /* Seconds; 0 = the default. */
    struct config_mac src_mac[CONFIG_MAX_PORTS];   /* Overrides. */
    struct config_mac peer_mac[CONFIG_MAX_PORTS];  /* l2 destination. */
};

void config_init(struct config *);

/* Sets 'key' (a long option name without dashes) to 'value'.  On error
 * returns a negative errno and writes one line naming the value and what
 * is accepted to 'err'; the caller names the key. */
int config_set(struct config *, const char *key, const char *value,
               char err[CONFIG_ERR_LEN]);

/* Reads "key = value" lines ('#' starts a comment) from 'path'.  Errors
 * name the file and line. */
int config_load_file(struct config *, const char *path,
                     char err[CONFIG_ERR_LEN]);

/* Checks the settings against each other. */
int config_validate(const struct config *, char err[CONFIG_ERR_LEN]);

#endif /* gfp-config.h */
