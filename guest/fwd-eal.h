/* What gfp-fwd needs of DPDK's EAL, in one place, so that a build without
 * DPDK (./configure --without-dpdk) links a stub instead: PacketMMAP mode
 * only. */
#ifndef GFP_FWD_EAL_H
#define GFP_FWD_EAL_H 1

#include <stdbool.h>

struct port_class;

/* True if gfp-fwd was built with DPDK. */
bool fwd_eal_available(void);

/* Starts the EAL.  Returns 0, -EINVAL for options it rejects, or another
 * negative errno (-ENOTSUP without DPDK). */
int fwd_eal_start(int argc, char *argv[]);
void fwd_eal_stop(void);
const char *fwd_eal_strerror(int error);

/* Ethdevs: how many the EAL probed, whether 'id' is one, their class. */
unsigned fwd_eal_port_count(void);
bool fwd_eal_port_valid(unsigned id);
const struct port_class *fwd_eal_port_class(void);

/* Worker lcores: stores up to 'max' ids in 'lcores', returns how many. */
unsigned fwd_eal_workers(unsigned *lcores, unsigned max);
int fwd_eal_lcore_cpu(unsigned lcore);
int fwd_eal_launch(unsigned lcore, int (*fn)(void *), void *arg);
void fwd_eal_wait(unsigned lcore);

#endif /* fwd-eal.h */
