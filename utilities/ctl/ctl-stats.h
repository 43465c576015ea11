/* gfp-ctl stats: one reading of every counter along the path.
 *
 * The command is in rooms, one a source or a rendering:
 *
 *   stats.c         the command: its entry in gfp-ctl
 *   stats-run.c     its option table and usage, one reading or --watch
 *   stats-ovs.c     OVS: interfaces, PMD threads (parsers in ovs.c)
 *   stats-kernel.c  kernel links of network namespaces (--netns)
 *   stats-iplink.c  its parsers: --netns's argument, ip's JSON
 *   stats-fwd.c     gfp-fwd's control socket, its drop reasons
 *   stats-hops.c    every hop, its one drop count, the verdict
 *   stats-json.c    the view as JSON (what tools read)
 *   stats-text.c    the view as text (rendered from the JSON)
 *
 * A new source is a reader filling 'struct ctl_stats_reading', a hop kind
 * in stats-hops.c and its keys in stats-json.c.  Everything but stats.c is
 * linked into tests/gfp-test too, whose ctl-stats-* commands parse captured
 * outputs and replay them. */
#ifndef GFP_CTL_STATS_H
#define GFP_CTL_STATS_H 1

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovs.h"
#include "ctl.h"
#include "ctl-util.h"
#include "util.h"

/* The ovs_* counters of the Interface statistics column, with what each
 * means when it is not zero.  ovs_tx_retries counts retries, not drops.
 * OVS refreshes that column every CTL_STATS_OVS_REFRESH_S seconds. */
#define CTL_STATS_OVS_REFRESH_S 5
#define OVS_SW_COUNTERS(C)                                              \
    C(ovs_tx_failure_drops, true,                                       \
      "the receiver did not take the packets: its queue was full")      \
    C(ovs_tx_retries, false,                                            \
      "transmit retries on a full vhost queue (not drops)")             \
    C(ovs_tx_mtu_exceeded_drops, true,                                  \
      "packets longer than the interface's MTU")                        \
    C(ovs_tx_qos_drops, true, "dropped by the egress QoS policer")      \
    C(ovs_rx_qos_drops, true, "dropped by ingress policing")            \
    C(ovs_tx_invalid_hwol_drops, true,                                  \
      "packets with invalid hardware offload requests")

enum ctl_stats_sw_counter {
#define SW_ENUM(NAME, DROP, MEANING) SW_##NAME,
    OVS_SW_COUNTERS(SW_ENUM)
#undef SW_ENUM
    N_SW_COUNTERS
};

struct ctl_stats_sw_info {
    const char *name;
    bool drop;
    const char *meaning;
};
extern const struct ctl_stats_sw_info ctl_stats_sw_counters[N_SW_COUNTERS];

/* One OVS interface. */
struct ctl_stats_iface {
    char *name;
    char *bridge;
    char *type;
    char *link_state;
    long long ofport;           /* -1 if OVS has none. */
#define IFACE_FIELD(NAME, KEY, RX) uint64_t NAME;
    OVS_PORT_COUNTERS(IFACE_FIELD)
#undef IFACE_FIELD
    uint64_t sw[N_SW_COUNTERS];
};

/* A kernel link's counters: name, where ip's JSON has it (stats64 or
 * stats, then "rx" or "tx", then the key), whether it is a drop. */
#define CTL_STATS_LINK_COUNTERS(C)                                      \
    C(rx_packets, "rx", "packets", false)                               \
    C(tx_packets, "tx", "packets", false)                               \
    C(rx_dropped, "rx", "dropped", true)                                \
    C(rx_missed, "rx", "missed_errors", true)                           \
    C(tx_dropped, "tx", "dropped", true)                                \
    C(rx_errors, "rx", "errors", false)                                 \
    C(tx_errors, "tx", "errors", false)

struct ctl_stats_link {
    char name[IF_NAMESIZE];
#define LINK_FIELD(NAME, DIR, KEY, DROP) uint64_t NAME;
    CTL_STATS_LINK_COUNTERS(LINK_FIELD)
#undef LINK_FIELD
};

/* Sum of a link's drop counters. */
uint64_t ctl_stats_link_drops(const struct ctl_stats_link *);

/* One --netns NS[:IF,...]: the namespace and the links asked for. */
struct ctl_stats_netns {
    char *name;
    char **ifnames;             /* NULL if every link. */
    size_t n_ifnames;
};

/* Parses the argument of --netns into 'ns' (to free with
 * ctl_stats_netns_destroy()).  Returns 0 or -1 with 'err' saying why. */
int ctl_stats_netns_parse(const char *arg, struct ctl_stats_netns *ns,
                          char err[OVS_ERR_LEN]);
void ctl_stats_netns_destroy(struct ctl_stats_netns *);

/* Parses what 'ip -s -s -j link show' printed for 'ns' into '*links'
 * (to free): every link, or those 'ns' names in that order.  Returns 0,
 * -ENOENT for a link 'ns' names that is not there or -EINVAL for output
 * that is not ip's, with 'err' saying which. */
int ctl_stats_parse_ip_link(const char *text, const struct ctl_stats_netns *,
                            struct ctl_stats_link **links, size_t *n_links,
                            char err[OVS_ERR_LEN]);

/* What the command line asks. */
struct ctl_stats_args {
    const char *socket;         /* gfp-fwd's control socket. */
    unsigned timeout_ms;
    bool compact;
    const char *db;             /* Or NULL: ovs-vsctl's. */
    const char *sandbox;        /* gfp-sandbox directory, or NULL. */
    const char *bridge;         /* Only this bridge, or NULL for all. */
    const char *replay;         /* Tests: outputs read from files here. */
    bool json, no_fwd, no_ovs, clear_pmd;
    unsigned watch;             /* Seconds, 0: once. */
    struct ctl_stats_netns *netns;
    size_t n_netns;
};

/* Parses a stats command line ('argv[0]' is "stats") into 'args'.
 * Returns 0; 1 for --help; -1 for a usage error, with either '*opt' and
 * '*word' set for an option getopt refused (as gfp_ctl_option_error()
 * takes them) or '*opt' 0 and 'err' the message.  'args' is to free with
 * ctl_stats_args_destroy() whatever the result. */
int ctl_stats_args_parse(int argc, char *argv[], struct ctl_stats_args *,
                         int *opt, const char **word,
                         char err[OVS_ERR_LEN]);
void ctl_stats_args_destroy(struct ctl_stats_args *);

/* Prints the usage, from the same table. */
void ctl_stats_usage(void);

/* Takes one reading, or with --watch one a period until SIGINT/SIGTERM,
 * and prints it.  Returns the exit status (errors already printed). */
int ctl_stats_run(const struct ctl_stats_args *);

/* Where OVS is read from, its tools and how they are run. */
struct ctl_stats_ctx {
    const struct ctl_stats_args *args;
    const char *sandbox;        /* Absolute, or NULL. */
    char *sandbox_abs;
    char *db;                   /* --db=... for ovs-vsctl, or NULL. */
    char *vsctl, *ofctl, *appctl;
    char *appctl_target;        /* NULL: ovs-appctl's default. */
    char source[300];           /* What the view was read from. */
};

int ctl_stats_ctx_init(struct ctl_stats_ctx *, const struct ctl_stats_args *);
void ctl_stats_ctx_destroy(struct ctl_stats_ctx *);

/* One reading of every source. */
struct ctl_stats_reading {
    double time;                /* CLOCK_MONOTONIC, seconds. */
    bool have_ovs;
    struct ctl_stats_iface *ifaces;
    size_t n_ifaces;
    struct ovs_pmds pmds;
    bool pmd_cleared;
    json_t *fwd;                /* gfp-fwd's stats reply, or NULL. */
    char fwd_error[CTL_ERR_LEN];
    struct ctl_stats_links {    /* One per args->netns. */
        struct ctl_stats_link *links;
        size_t n;
    } *netns;
};

/* Readers.  Each returns 0 or -1 with 'err' saying why. */
int ctl_stats_read_ovs(const struct ctl_stats_ctx *,
                       struct ctl_stats_reading *, char err[OVS_ERR_LEN]);
int ctl_stats_clear_pmd(const struct ctl_stats_ctx *, char err[OVS_ERR_LEN]);
int ctl_stats_read_netns(const struct ctl_stats_ctx *,
                         const struct ctl_stats_netns *,
                         struct ctl_stats_links *, char err[OVS_ERR_LEN]);
/* gfp-fwd's counters, or in 'fwd_error' why there are none (no error). */
void ctl_stats_read_fwd(const struct ctl_stats_ctx *,
                        struct ctl_stats_reading *);
void ctl_stats_reading_clear(struct ctl_stats_reading *,
                             const struct ctl_stats_args *);

/* Runs an OVS tool (or ip) whose words are 'argv' (a NULL word is left
 * out), or with --replay reads what it printed from REPLAY/'name'. */
int ctl_stats_tool__(const struct ctl_stats_ctx *, const char *name,
                     char *const argv[], size_t n, char **out,
                     char err[OVS_ERR_LEN]);
#define ctl_stats_tool(CTX, NAME, OUT, ERR, ...)                        \
    ctl_stats_tool__(CTX, NAME, (char *[]) { __VA_ARGS__ },             \
                     ARRAY_SIZE(((char *[]) { __VA_ARGS__ })), OUT, ERR)

/* gfp-fwd: a 'port' of its stats reply 'fwd', its drops by reason as
 * {reason: packets}, with their total in '*total' (gfp-fwd's, or summed
 * here: the one place), and what a reason means on the path. */
json_t *ctl_stats_fwd_port_drops(json_t *fwd, json_t *port, uint64_t *total);
const char *ctl_stats_fwd_drop_meaning(json_t *fwd, const char *reason);
uint64_t ctl_stats_json_u64(json_t *obj, const char *key);
/* The "fwd" member of the view; 'prev' (or NULL) for rates over 'dt'. */
json_t *ctl_stats_fwd_json(const struct ctl_stats_ctx *,
                           const struct ctl_stats_reading *,
                           const struct ctl_stats_reading *prev, double dt);

/* An OVS interface's drops: its OpenFlow drop and error counters, or the
 * ovs_* ones where those are higher (they come from another reading). */
uint64_t ctl_stats_iface_drops(const struct ctl_stats_iface *);

/* Every hop of 'r' into '*hops' and those that dropped, with the counters
 * that explain it, into '*drops' (see stats-hops.c). */
void ctl_stats_hops(const struct ctl_stats_args *,
                    const struct ctl_stats_reading *, json_t **hops,
                    json_t **drops);
/* "drops: N on WHERE HOP (COUNTER: MEANING, ...); ..." or "drops: none". */
char *ctl_stats_verdict(json_t *drops);

/* The whole view as one JSON object; with 'prev', rates since it. */
json_t *ctl_stats_view(const struct ctl_stats_ctx *,
                       const struct ctl_stats_reading *,
                       const struct ctl_stats_reading *prev);
/* The view as text; 'rates' if it has them. */
void ctl_stats_print(json_t *view, bool rates);

/* Helpers of the stats files. */
json_t *ctl_stats_json_counter(uint64_t);
json_t *ctl_stats_json_real(double);
uint64_t ctl_stats_known(uint64_t);
double ctl_stats_rate(uint64_t cur, uint64_t prev, double dt);
char *ctl_stats_xstrdup(const char *);
char *ctl_stats_xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
char *ctl_stats_read_file(const char *path, char err[OVS_ERR_LEN]);

#endif /* stats.h */
