/* gfp-fwd's counters as DPDK telemetry commands under /gfp/, for the
 * standard dpdk-telemetry.py client:
 *
 *     /gfp/stats              totals of every port, mode and mode_switches
 *     /gfp/ports              the port ids
 *     /gfp/port_stats,ID      one port's totals and its queues' counters
 *     /gfp/mode               the packet I/O mode and mode_switches
 *
 * The commands run on DPDK's telemetry thread while the main thread may
 * swap or destroy the data plane (a mode switch, the exit).  So they read
 * it through the mode switch, under its data-plane lock
 * (mode-switch.h), which every swap holds.  The workers never take it.
 *
 * A build without DPDK links fwd-telemetry-stub.c: nothing registers. */
#ifndef GFP_FWD_TELEMETRY_H
#define GFP_FWD_TELEMETRY_H 1

struct mode_switch;

/* Registers the commands; call once the EAL runs (later calls do nothing).
 * Returns 0 or a negative errno (-ENOTSUP without DPDK); a failure is
 * logged, and gfp-fwd forwards on without telemetry. */
int fwd_telemetry_register(void);

/* The mode switch whose data plane the commands read from now on (NULL:
 * none, the commands fail).  Detach before destroying it. */
void fwd_telemetry_attach(struct mode_switch *);

#endif /* fwd-telemetry.h */
