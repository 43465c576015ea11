/* gfp-fwd's counters as DPDK telemetry commands under /gfp/, for the
 * standard dpdk-telemetry.py client:
 *
 *     /gfp/stats              totals of every port, mode and mode_switches
 *     /gfp/ports              the port ids
 *     /gfp/port_stats,ID      one port's totals and its queues' counters
 *     /gfp/mode               the packet I/O mode and mode_switches
 *
 * The commands run on DPDK's telemetry thread while the main thread may
 * swap or destroy the data plane (a mode switch, the exit).  So the main
 * thread publishes the data plane the commands read, and holds the lock
 * around every change to it; the commands hold it while they read.  The
 * workers never take it.
 *
 * A build without DPDK links fwd-telemetry-stub.c: nothing registers and
 * the lock does nothing. */
#ifndef GFP_FWD_TELEMETRY_H
#define GFP_FWD_TELEMETRY_H 1

struct dataplane;

/* Registers the commands; call once the EAL runs (later calls do nothing).
 * Returns 0 or a negative errno (-ENOTSUP without DPDK); a failure is
 * logged, and gfp-fwd forwards on without telemetry. */
int fwd_telemetry_register(void);

/* Hold the lock around any change to the published data plane (taking it
 * down, destroying it, resetting its counters). */
void fwd_telemetry_lock(void);
void fwd_telemetry_unlock(void);

/* With the lock held: the data plane the commands read from now on (NULL:
 * none, the commands fail) and the number of mode switches so far. */
void fwd_telemetry_publish(const struct dataplane *, unsigned mode_switches);

#endif /* fwd-telemetry.h */
