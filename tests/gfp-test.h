/* What gfp-test's command files share. */
#ifndef GFP_TEST_H
#define GFP_TEST_H 1

struct tpacket;
struct tpacket_conf;

/* Opens a ring on 'tx_if' with 'txc' into '*tx' and one on 'rx_if' with
 * 'rxc' into '*rx' (their 'ifname's are set here).  On failure prints
 * "open: REASON" and returns a negative errno, with nothing left open. */
int test_open_rings(struct tpacket_conf *txc, const char *tx_if,
                    struct tpacket **tx, struct tpacket_conf *rxc,
                    const char *rx_if, struct tpacket **rx);

int test_tpacket_lend(int argc, char *argv[]);
#ifdef GFP_TEST_XDP
int test_xdp_comp(int argc, char *argv[]);
#endif

#endif /* gfp-test.h */
