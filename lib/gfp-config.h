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

/* What a worker does when its queues come back empty (--idle). */
#define CONFIG_IDLE_MODES(I)                                            \
    I(POLL, "poll", "poll again at once: lowest latency, a whole CPU")  \
    I(SLEEP, "sleep",                                                   \
      "sleep, longer with each empty pass, up to idle-sleep-max")       \
    I(INTERRUPT, "interrupt",                                           \
      "wait for the queues' receive interrupts or socket readiness")

enum config_idle {
#define CONFIG_IDLE_ENUM(ENUM, NAME, MEANING) CONFIG_IDLE_##ENUM,
    CONFIG_IDLE_MODES(CONFIG_IDLE_ENUM)
#undef CONFIG_IDLE_ENUM
    CONFIG_N_IDLE
};

/* The idle mode's name ("poll", ...). */
const char *config_idle_name(enum config_idle);

/* --idle-sleep-max, in microseconds, when not given. */
#define CONFIG_IDLE_SLEEP_MAX_DEFAULT 500

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
    unsigned tx_retries;            /* Transmit tries after a partial one. */
    unsigned mtu;
    unsigned mbuf_size;             /* 0: chosen from the MTU. */
    unsigned n_mbufs;               /* 0: computed per port. */
    bool no_virtio_defaults;        /* --virtio-defaults off. */
    bool xdp_umem_per_port;         /* --xdp-umem port. */
    unsigned xdp_rx_hold;           /* Microseconds; 0: never hold. */
    enum config_idle idle;          /* When the queues are empty. */
    unsigned idle_sleep_max;        /* Microseconds; 0: the default. */
    unsigned stats_period;          /* Seconds; 0 disables. */
    char config_file[256];          /* The file last loaded; "" = none
                                     * (or a path too long to keep). */
    char stats_file[256];           /* Final counters as JSON; "" = none. */
    char ctl_socket[108];           /* Control socket path; "" = none. */
    char ctl_group[33];             /* Also lets this group in; "" = none. */
    unsigned ctl_idle_timeout;      /* Seconds; 0 = the default. */
    struct config_mac src_mac[CONFIG_MAX_PORTS];   /* Overrides. */
    struct config_mac peer_mac[CONFIG_MAX_PORTS];  /* l2 destination. */
};

void config_init(struct config *);

/* One setting: a config file key, and (unless 'file_only') gfp-fwd's long
 * option of the same name.  This table drives config_set(), gfp-fwd's
 * getopt and its usage, so that a range is written once. */
enum config_type {
    CONFIG_OTHER,               /* Its own parser in 'set'. */
    CONFIG_UINT,                /* An integer from 'min' to 'max'. */
    CONFIG_POW2,                /* A power of two from 'min' to 'max'. */
};

struct config_option {
    const char *name;
    char short_name;            /* gfp-fwd's short option, or 0. */
    const char *arg;            /* The value's name in usage; NULL: the
                                 * choices joined with '|'. */
    const char *section;        /* Starts a usage section, or NULL. */
    const char *help;
    const char *default_text;   /* For usage; NULL: none shown. */
    enum config_type type;
    unsigned long long min, max;
    size_t offset, size;        /* The member of struct config it sets. */
    int (*set)(struct config *, const struct config_option *,
               const char *value, char err[CONFIG_ERR_LEN]);
    /* The accepted values, for usage: the i-th one's name (NULL after the
     * last) and its one-line meaning.  NULL: not a list. */
    const char *(*choices)(unsigned i, const char **meaning);
    bool file_only;             /* No command-line option. */
};

/* The settings, in usage order. */
const struct config_option *config_options(size_t *n);
const struct config_option *config_option_find(const char *name);

/* Writes 'opt''s usage lines ("  -q, --queues=N  ...") to 'stream', with
 * its range and default from the table. */
void config_option_usage(FILE *stream, const struct config_option *opt);

/* Sets 'key' (a long option name without dashes) to 'value'.  On error
 * returns a negative errno and writes one line naming the value and what
 * is accepted to 'err'; the caller names the key. */
int config_set(struct config *, const char *key, const char *value,
               char err[CONFIG_ERR_LEN]);

/* Reads "key = value" lines ('#' starts a comment) from 'path'.  Errors
 * name the file and line. */
int config_load_file(struct config *, const char *path,
                     char err[CONFIG_ERR_LEN]);

/* Rewrites the configuration file 'path' so that it starts gfp-fwd in
 * 'mode': the first line that sets the mode ("mode" or "dpdk-pkt-io",
 * kept in its own style where it can say the mode) now says 'mode', later
 * ones go, and a file without one gets "mode = NAME" at its end.  Every
 * other line stays as it was.  The file is replaced atomically (a new file
 * renamed over it); on error it is untouched. */
int config_persist_mode(const char *path, enum gfp_mode,
                        char err[CONFIG_ERR_LEN]);

/* Checks that the settings give mode 'mode' what it needs (the rules of
 * its row in GFP_MODES): at start for the configured mode, and before a
 * live switch to another. */
int config_check_mode(const struct config *, enum gfp_mode,
                      char err[CONFIG_ERR_LEN]);

/* Checks the settings against each other. */
int config_validate(const struct config *, char err[CONFIG_ERR_LEN]);

#endif /* gfp-config.h */
