/* gfp-ctl: reading Open vSwitch's counters.
 *
 * OVS's tools run with execvp (no shell) and their text output is parsed
 * strictly: a line that is not what the parser expects is an error naming
 * the line, never a silently wrong number.  Counters OVS does not know
 * ("?" in dump-ports, a line it did not print) are OVS_NO_VALUE. */
#ifndef GFP_CTL_OVS_H
#define GFP_CTL_OVS_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OVS_NO_VALUE UINT64_MAX
#define OVS_ERR_LEN 512

/* Runs 'argv' with ctl_run() and at most 30 s.
 * Returns 0 with its standard output in '*out' (NUL-terminated, to free)
 * if it exited 0; else -1 with 'err' naming the command and what it said
 * on stderr. */
int ovs_run(char *const argv[], char **out, char err[OVS_ERR_LEN]);

/* Parses one table that 'ovs-vsctl --format=json' printed,
 * {"headings": [...], "data": [[...], ...]}, into an array of objects, one
 * a row, from column name to value.  OVSDB's JSON values are made plain: a
 * map becomes an object, a set an array (ovs-vsctl prints a set of one as
 * the value itself), a UUID its string.  Returns NULL with 'err' saying
 * what was wrong. */
json_t *ovs_parse_table(const char *text, char err[OVS_ERR_LEN]);

/* OVSDB row access, one contract: 'row' is a row of ovs_parse_table(),
 * 'column' a column name or "COLUMN:KEY" for a key of a map column
 * ("options:n_rxq").  A set of one value counts as that value; an empty
 * set, a set of more and a missing column or key are no value.
 *
 * ovs_row_get(): the value if it is a string, else NULL; it belongs to
 * 'row'.  ovs_row_format(): a string, integer or boolean value as a
 * malloc'd string, else NULL. */
const char *ovs_row_get(const json_t *row, const char *column);
char *ovs_row_format(const json_t *row, const char *column);

/* What the state file DIR/gfp-sandbox.state of a gfp-sandbox names; NULL
 * for what it does not (or leaves empty). */
struct ovs_sandbox {
    char *dir;                  /* DIR=, else the directory, absolute. */
    char *db;                   /* DB=, else "unix:DIR/db.sock". */
    char *vsctl, *ofctl, *appctl, *vswitchd;
    char *dpdk_extra;
};

/* Reads the state file of the sandbox in 'dir'.  gfp-ctl runs the
 * programs it names, so the file, 'dir' and every directory above it must
 * be owned by root or the user and writable by no one else (a sticky
 * directory above, /tmp, may be), and so must each program it names (an
 * absolute path; one that no longer exists is left out, NULL).  Programs
 * come back as their canonical paths.  Returns 0, or a negative errno with
 * 'err' saying what and why: -ENOENT, no state file there (not a
 * sandbox); -EPERM, a file others could change. */
int ovs_sandbox_load(const char *dir, struct ovs_sandbox *,
                     char err[OVS_ERR_LEN]);
void ovs_sandbox_destroy(struct ovs_sandbox *);

/* Takes over '*value' (a member of a struct ovs_sandbox), if the state
 * file gave it, into '*dst' in place of what was there. */
void ovs_sandbox_take(char **dst, char **value);

/* One port of 'ovs-ofctl dump-ports': OpenFlow port counters, live. */
#define OVS_PORT_COUNTERS(C)                            \
    C(rx_packets, "pkts", true)                         \
    C(rx_bytes, "bytes", true)                          \
    C(rx_dropped, "drop", true)                         \
    C(rx_errors, "errs", true)                          \
    C(tx_packets, "pkts", false)                        \
    C(tx_bytes, "bytes", false)                         \
    C(tx_dropped, "drop", false)                        \
    C(tx_errors, "errs", false)

struct ovs_port_stats {
    char port[32];              /* OpenFlow port number, or "LOCAL". */
#define OVS_PORT_FIELD(NAME, KEY, RX) uint64_t NAME;
    OVS_PORT_COUNTERS(OVS_PORT_FIELD)
#undef OVS_PORT_FIELD
};

/* Parses the output of 'ovs-ofctl dump-ports SWITCH' (any OpenFlow
 * version's text: "duration=" lines are accepted).  '*ports' is to free. */
int ovs_parse_dump_ports(const char *text, struct ovs_port_stats **ports,
                         size_t *n_ports, char err[OVS_ERR_LEN]);

/* One datapath thread of dpif-netdev/pmd-stats-show and pmd-perf-show.
 * Integers are OVS_NO_VALUE and reals NaN where OVS printed nothing. */
#define OVS_PMD_COUNTERS(C)                                             \
    C(rx_packets)               /* Packets received. */                 \
    C(tx_packets)               /* Packets sent (perf-show). */         \
    C(recirculations)                                                   \
    C(upcalls)                  /* Misses with a successful upcall. */  \
    C(lost_upcalls)             /* Misses whose upcall failed: drops. */\
    C(idle_cycles)                                                      \
    C(busy_cycles)              /* "processing cycles". */              \
    C(iterations)               /* perf-show from here on. */           \
    C(idle_iterations)                                                  \
    C(busy_iterations)                                                  \
    C(sleep_iterations)

#define OVS_PMD_REALS(C)                                                \
    C(busy_pct)                 /* Processing share of used cycles. */  \
    C(cycles_per_packet)        /* Processing cycles per packet. */     \
    C(sleep_us)                 /* Time slept (perf-show, 3.1+). */     \
    C(duration_s)               /* perf-show's measurement time. */

struct ovs_pmd {
    char name[64];              /* "pmd thread numa_id 0 core_id 1". */
    int numa_id;                /* -1 if not shown. */
    int core_id;                /* -1 for the main thread. */
#define OVS_PMD_FIELD(NAME) uint64_t NAME;
    OVS_PMD_COUNTERS(OVS_PMD_FIELD)
#undef OVS_PMD_FIELD
#define OVS_PMD_REAL(NAME) double NAME;
    OVS_PMD_REALS(OVS_PMD_REAL)
#undef OVS_PMD_REAL
};

struct ovs_pmds {
    struct ovs_pmd *pmds;
    size_t n;
};

/* Parse dpif-netdev/pmd-stats-show or pmd-perf-show (run with -nh) into
 * 'pmds', adding threads not seen yet and filling in the fields that
 * output has, so both may be parsed into one set.  OVS 3.x and 4.x
 * formats; lines with a well-formed "key: number" but an unknown key are
 * skipped (newer OVS adds counters), anything else is an error. */
int ovs_parse_pmd_stats(const char *text, struct ovs_pmds *,
                        char err[OVS_ERR_LEN]);
int ovs_parse_pmd_perf(const char *text, struct ovs_pmds *,
                       char err[OVS_ERR_LEN]);
void ovs_pmds_clear(struct ovs_pmds *);

#endif /* ctl-ovs.h */
