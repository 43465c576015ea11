/* The data plane gfp-fwd runs, and the live switch from one mode to
 * another.
 *
 * The switch asks each mode's class (mode.h) what it needs and how it
 * leaves: everything that can fail without touching the running data
 * plane is tried first (what the new mode needs, such as the EAL; its
 * ports); then the running one stops at a burst boundary, drains, and is
 * parked or closed as its class says, and the new one starts over the
 * same counters.  If it cannot, the old mode comes back.
 *
 * Threads: the owner (gfp-fwd's main thread) makes every change; readers
 * on other threads (DPDK telemetry), and readers of counters that clear
 * on read (a PacketMMAP socket's), hold the data-plane lock
 * (mode_switch_lock()), which every swap holds too. */
#ifndef GFP_GUEST_MODE_SWITCH_H
#define GFP_GUEST_MODE_SWITCH_H 1

#include <jansson.h>
#include <stdbool.h>

#include "gfp-config.h"
#include "mode.h"

struct dataplane;
struct mode_switch;

/* Counters for 'cfg''s ports, no data plane yet.  'env' (kept) is what
 * each mode's prepare() gets.  NULL: out of memory. */
struct mode_switch *mode_switch_create(const struct config *cfg,
                                       const struct dp_mode_env *env);

/* Starts forwarding in the configured mode.  Returns 0, -EINVAL or
 * -ENOTSUP for what the user can fix (the options, the build), or another
 * negative errno (a port that does not start is -EIO, whatever the
 * device said); 'err' says why. */
int mode_switch_start(struct mode_switch *, char err[CONFIG_ERR_LEN]);

/* Switches live to 'to' (nothing if it runs already). */
int mode_switch_to(struct mode_switch *, enum gfp_mode to,
                   char err[CONFIG_ERR_LEN]);

/* Stops forwarding, drains, and returns the final counters (as
 * mode_switch_stats() has them), or NULL if nothing forwarded. */
json_t *mode_switch_stop(struct mode_switch *);

/* Closes every data plane and undoes what the modes prepared.  Accepts
 * NULL. */
void mode_switch_destroy(struct mode_switch *);

/* The data-plane lock (see above). */
void mode_switch_lock(struct mode_switch *);
void mode_switch_unlock(struct mode_switch *);

/* With the lock held, or on the owner's thread: the running data plane,
 * or NULL (before the start, after the stop, or after a failed switch
 * whose old mode did not come back). */
struct dataplane *mode_switch_dataplane(const struct mode_switch *);

/* The counters of the running data plane, with "mode_switches"; takes the
 * lock. */
json_t *mode_switch_stats(struct mode_switch *);

/* Switches so far, and the last one's time without forwarding. */
unsigned mode_switch_count(const struct mode_switch *);
double mode_switch_gap_ms(const struct mode_switch *);

/* True after a failed switch whose old mode did not come back: gfp-fwd
 * should stop, and exit with a failure. */
bool mode_switch_broken(const struct mode_switch *);

#endif /* mode-switch.h */
