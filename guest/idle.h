/* What a worker does when its queues come back empty (gfp-fwd --idle).
 *
 * In poll mode the worker polls again at once and never comes here: its
 * loop is the plain one, with nothing added (dataplane.c picks the loop
 * once, when it creates the workers).  In sleep mode it sleeps after an
 * empty pass over its queues, 1 us at first and twice as long after each
 * further empty pass, up to --idle-sleep-max; a pass that receives anything
 * starts again from 1 us.  In interrupt mode it waits in poll() for any of
 * its receive queues' wait fds (port_rx_wait_fd()): a socket's readiness,
 * or a device's receive interrupt, armed for the wait only.
 *
 * Either way the wait also ends when the control thread calls
 * dp_idle_wake() (to stop the worker or to have it reset its counters),
 * and it never lasts longer than DP_IDLE_WAIT_MAX_MS: a stop or a switch
 * never waits on an idle worker. */
#ifndef GFP_GUEST_IDLE_H
#define GFP_GUEST_IDLE_H 1

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "gfp-config.h"

struct port;
struct port_queue;

/* The longest wait in interrupt mode: what a lost interrupt could cost. */
#define DP_IDLE_WAIT_MAX_MS 100

struct dp_idle {
    enum config_idle mode;
    int wake_fd;                    /* An eventfd; -1 in poll mode. */
    uint64_t sleep_ns, sleep_max_ns;
    /* Interrupt mode: 'fds[0]' is 'wake_fd', then one per receive queue;
     * the queues to arm around a wait are 'arm[0..n_arm)'. */
    struct pollfd *fds;
    unsigned n_fds, max_fds;
    const struct port_queue **arm;
    unsigned n_arm;
};

/* Sets up 'idle' for 'cfg''s idle mode, for a worker that polls up to
 * 'max_queues' receive queues. */
int dp_idle_init(struct dp_idle *, const struct config *cfg,
                 unsigned max_queues);
void dp_idle_destroy(struct dp_idle *);

/* Interrupt mode: forgets the queues (before a start), then adds queue
 * 'qid' of port 'port' (number 'id', started; 'q' is its handle).  Returns
 * 0, or a negative errno after logging why the port cannot (-EOPNOTSUPP:
 * its driver has no receive interrupts).  Other modes: does nothing. */
void dp_idle_clear_queues(struct dp_idle *);
int dp_idle_add_queue(struct dp_idle *, const struct port *port,
                      unsigned id, unsigned qid, const struct port_queue *q);

/* From the control thread: ends the worker's current or next wait. */
void dp_idle_wake(struct dp_idle *);

/* From the worker.  dp_idle_thread_init() once, when it starts.
 * dp_idle_busy() after a pass that received something.  After an empty
 * pass: dp_idle_arm(), which returns true if it armed interrupts, in which
 * case the worker polls its queues once more (frames that came before the
 * arming raise no interrupt) and waits only if that finds nothing; then
 * dp_idle_wait() and dp_idle_disarm(). */
void dp_idle_thread_init(const struct dp_idle *);
void dp_idle_busy(struct dp_idle *);
bool dp_idle_arm(struct dp_idle *);
void dp_idle_wait(struct dp_idle *);
void dp_idle_disarm(struct dp_idle *);

#endif /* idle.h */
