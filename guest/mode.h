/* gfp-fwd's packet-I/O modes as classes.
 *
 * A mode says where the ports come from and how the workers run: DPDK
 * ethdevs polled on EAL lcores (mode-dpdk.c), kernel interfaces through
 * PacketMMAP rings polled on threads (mode-mmap.c).  The data plane
 * (dataplane.c) and the live switch (mode-switch.c) ask the class and
 * never branch on the mode.  The names and the config rules of the modes
 * are one table in lib/gfp-mode.h (GFP_MODES).
 *
 * Adding a mode: one line in GFP_MODES, one file guest/mode-NAME.c that
 * defines 'const struct dp_mode_class mode_NAME_class', its line in
 * guest/automake.mk, and its port backend in lib/ (lib/port-NAME.c). */
#ifndef GFP_GUEST_MODE_H
#define GFP_GUEST_MODE_H 1

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>

#include "gfp-config.h"

struct port;

/* One worker as its mode runs it: an EAL lcore or a thread. */
struct dp_mode_worker {
    unsigned id;                /* The lcore; for a thread, its index. */
    pthread_t thread;           /* Thread modes only. */
    int (*fn)(void *);          /* What launch() runs, and its argument. */
    void *arg;
};

/* What gfp-fwd's command line gives every mode: the EAL's options (before
 * "--") for a mode that needs the EAL, and the configuration they were
 * given with (which outlives the modes). */
struct dp_mode_env {
    int argc;
    char **argv;
    const struct config *cfg;
};

struct dp_mode_class {
    enum gfp_mode mode;         /* Its row in GFP_MODES. */
    const char *worker_kind;    /* "lcore" or "thread", for logs. */

    /* A mode whose ports, once closed, cannot be opened again in this
     * process (DPDK ethdevs): when the switch leaves it, its data plane is
     * stopped and kept (parked), and a switch back starts it again.  A
     * mode without it is closed on the way out (an open PacketMMAP socket
     * would take in a copy of every frame). */
    bool parkable;

    /* Whether the ports take in nothing until they start: the switch then
     * opens and configures them (the slow part) while the old mode still
     * forwards.  Ports that take in frames as soon as they open are opened
     * only once the old ones are closed. */
    bool opens_quiet;

    /* Checks the mode's own options in 'env' at start, before anything
     * starts, whichever mode gfp-fwd starts in (a later switch may use
     * them); may clear what a dead process left behind.  NULL: nothing to
     * check. */
    int (*check_env)(const struct dp_mode_env *, char err[CONFIG_ERR_LEN]);

    /* What the mode needs before its ports can open (the DPDK EAL, which
     * starts at most once per process).  Called at start and before each
     * switch to the mode; a later call after a success does nothing.  A
     * failure leaves everything as it was.  NULL: nothing. */
    int (*prepare)(const struct dp_mode_env *, bool at_start,
                   char err[CONFIG_ERR_LEN]);

    /* Whether a switch from or to this mode now moves devices between
     * drivers (DPDK on PCI devices, whose kernel driver gives the modes
     * over kernel interfaces their ports): 1 if so, 0 if not, or a
     * negative errno, said in 'err', when they could not move.  When they
     * move, the other mode's ports exist only once leave() or claim() has
     * run: the switch checks and opens them only then, and parks nothing.
     * Called before anything stops.  NULL: never. */
    int (*check_move)(const struct config *, char err[CONFIG_ERR_LEN]);

    /* Called when a switch leaves the mode, once its data plane is set
     * aside: what the mode holds that the next one needs goes back (its
     * devices to their kernel driver).  On failure, says why in 'err';
     * what it gave back stays known to claim(), which the switch calls to
     * go back.  NULL: nothing. */
    int (*leave)(const struct config *, char err[CONFIG_ERR_LEN]);

    /* Called when a switch enters the mode, once the old data plane is set
     * aside and before the ports open: takes what leave() gave back (or
     * what the mode can take over from the kernel).  On failure it gives
     * back again what it took, and says why.  NULL: nothing. */
    int (*claim)(const struct config *, char err[CONFIG_ERR_LEN]);

    /* Undoes prepare() at exit.  NULL: nothing. */
    void (*finish)(void);

    /* The ports the configuration can use: how many, and whether port
     * 'id' is one.  For errors: the phrase that names where they come
     * from ("the EAL probed"), what they are ("ports") and what to do
     * about an odd number of them. */
    unsigned (*port_count)(const struct config *);
    bool (*port_exists)(const struct config *, unsigned id);
    const char *ports_from;
    const char *ports_noun;
    const char *odd_ports_hint;

    /* Checks, without opening it, that port 'id' can open.  NULL: any
     * that exists can. */
    int (*port_check)(const struct config *, unsigned id,
                      char err[CONFIG_ERR_LEN]);

    /* Opens port 'id' with its port backend (lib/port-*.c). */
    int (*port_open)(const struct config *, unsigned id, struct port **,
                     char err[CONFIG_ERR_LEN]);

    /* The workers: how many, and their ids into 'ids' (room for 'n').
     * 'no_worker_error' says what to do when there is none. */
    unsigned (*n_workers)(const struct config *);
    void (*worker_ids)(unsigned *ids, unsigned n);
    const char *no_worker_error;

    /* The CPU that worker 'id' runs on, or -1 when it floats (for the
     * NUMA check of the ports). */
    int (*worker_cpu)(unsigned id);

    /* Runs w->fn(w->arg) on worker 'w' ('cpus': the process's CPUs, for
     * threads, which the EAL's pinning of the main thread must not
     * narrow); join() waits for it to return. */
    int (*launch)(struct dp_mode_worker *w, const cpu_set_t *cpus);
    void (*join)(struct dp_mode_worker *w);
};

/* The class of 'mode'. */
const struct dp_mode_class *dp_mode_class(enum gfp_mode mode);

/* Runs every class's check_env(). */
int dp_mode_check_env(const struct dp_mode_env *, char err[CONFIG_ERR_LEN]);

/* The classes, one per GFP_MODES row. */
#define GFP_MODE_CLASS_DECLARE(ENUM, NAME, PORTS, MEANING) \
    extern const struct dp_mode_class mode_##NAME##_class;
GFP_MODES(GFP_MODE_CLASS_DECLARE)
#undef GFP_MODE_CLASS_DECLARE

#endif /* mode.h */
