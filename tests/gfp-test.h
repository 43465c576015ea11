/* What gfp-test's command files share. */
#ifndef GFP_TEST_H
#define GFP_TEST_H 1

#include <stdint.h>

struct tpacket;
struct tpacket_conf;

/* Opens a ring on 'tx_if' with 'txc' into '*tx' and one on 'rx_if' with
 * 'rxc' into '*rx' (their 'ifname's are set here).  On failure prints
 * "open: REASON" and returns a negative errno, with nothing left open. */
int test_open_rings(struct tpacket_conf *txc, const char *tx_if,
                    struct tpacket **tx, struct tpacket_conf *rxc,
                    const char *rx_if, struct tpacket **rx);

/* Fills 'f' with an Ethernet/IPv4/UDP frame of 'size' bytes. */
void build_udp_frame(uint8_t *f, unsigned size);

/* The commands, each in the file of its area. */

/* gfp-test-engine.c */
int test_engine(int argc, char *argv[]);

/* gfp-test-stats.c */
int test_stats(int argc, char *argv[]);
int test_stats_drops(int argc, char *argv[]);

/* gfp-test-tpacket.c */
int test_tpacket_walk(int argc, char *argv[]);
int test_tpacket_walk_edge(int argc, char *argv[]);
int test_tpacket_walk_ahead(int argc, char *argv[]);
int test_tpacket_veth(int argc, char *argv[]);
int test_tpacket_mtu_shrink(int argc, char *argv[]);
int test_tpacket_mtu_copy(int argc, char *argv[]);
int test_mmap_fwd(int argc, char *argv[]);

/* gfp-test-lend.c */
int test_tpacket_lend(int argc, char *argv[]);

/* gfp-test-ctl.c */
int test_pci_bind(int argc, char *argv[]);
int test_ctl_stats_parse(int argc, char *argv[]);
int test_ctl_stats_replay(int argc, char *argv[]);

/* gfp-test-xdp-fwd.c */
int test_xdp_fwd(int argc, char *argv[]);

#ifdef GFP_TEST_XDP
/* gfp-test-xdp-comp.c */
int test_xdp_comp(int argc, char *argv[]);
#endif

#endif /* gfp-test.h */
