#include <config.h>
#include "mode-switch.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycles.h"
#include "dataplane.h"
#include "log.h"

LOG_MODULE(mode_switch);

/* The drain of a stopping data plane lasts at most this long for ports
 * that cannot stop taking in frames. */
#define DRAIN_MS 50

struct mode_switch {
    const struct config *cfg;
    struct dp_mode_env env;
    struct dp_counters *counters;   /* Port N's, across every switch. */
    pthread_mutex_t lock;           /* Guards 'dp' for other threads. */
    struct dataplane *dp;           /* The running one. */
    struct dataplane *stopped;      /* The last one, after the stop. */
    struct dataplane *parked[GFP_N_MODES];  /* Stopped, kept (parkable). */
    bool prepared[GFP_N_MODES];
    unsigned switches;
    double last_gap_ms;
    bool broken;
};

struct mode_switch *
mode_switch_create(const struct config *cfg, const struct dp_mode_env *env)
{
    struct mode_switch *ms = calloc(1, sizeof *ms);

    if (!ms) {
        return NULL;
    }
    ms->cfg = cfg;
    ms->env = *env;
    pthread_mutex_init(&ms->lock, NULL);
    ms->counters = dp_counters_create(cfg->queues);
    if (!ms->counters) {
        free(ms);
        return NULL;
    }
    return ms;
}

void
mode_switch_lock(struct mode_switch *ms)
{
    pthread_mutex_lock(&ms->lock);
}

void
mode_switch_unlock(struct mode_switch *ms)
{
    pthread_mutex_unlock(&ms->lock);
}

struct dataplane *
mode_switch_dataplane(const struct mode_switch *ms)
{
    return ms->dp;
}

unsigned
mode_switch_count(const struct mode_switch *ms)
{
    return ms->switches;
}

double
mode_switch_gap_ms(const struct mode_switch *ms)
{
    return ms->last_gap_ms;
}

bool
mode_switch_broken(const struct mode_switch *ms)
{
    return ms->broken;
}

static int
prepare(struct mode_switch *ms, const struct dp_mode_class *class,
        bool at_start, char err[CONFIG_ERR_LEN])
{
    int error = 0;

    if (class->prepare) {
        error = class->prepare(&ms->env, at_start, err);
    }
    ms->prepared[class->mode] |= !error;
    return error;
}

/* Sets a stopped data plane aside as its class says: kept when its ports
 * cannot open again, else closed; closed too when its devices move to
 * another driver ('moving'). */
static void
set_aside(struct mode_switch *ms, struct dataplane *dp, bool moving)
{
    const struct dp_mode_class *class = dp_mode_class(dataplane_mode(dp));

    if (class->parkable && !moving) {
        dataplane_park(dp);
        ms->parked[class->mode] = dp;
    } else {
        dataplane_destroy(dp);
    }
}

/* Makes a data plane in mode 'class' (or takes the parked one) and starts
 * it. */
static int
bring_up(struct mode_switch *ms, const struct dp_mode_class *class,
         bool moving, char err[CONFIG_ERR_LEN])
{
    struct dataplane *dp = ms->parked[class->mode];
    int error;

    ms->parked[class->mode] = NULL;
    if (!dp) {
        error = dataplane_create(ms->cfg, class, ms->counters, &dp, err);
        if (error) {
            return error;
        }
    }
    error = dataplane_start(dp);
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "cannot start forwarding in mode "
                 "%s: %s", gfp_mode_name(class->mode), strerror(-error));
        set_aside(ms, dp, moving);
        return error;
    }
    ms->dp = dp;
    return 0;
}

/* Returns when the ports stopped taking in frames (TSC). */
static uint64_t
take_down(struct mode_switch *ms, bool moving)
{
    uint64_t intake_end;

    dataplane_stop(ms->dp, true, DRAIN_MS, &intake_end);
    set_aside(ms, ms->dp, moving);
    ms->dp = NULL;
    return intake_end;
}

static int
check_move(const struct mode_switch *ms, const struct dp_mode_class *c,
           char err[CONFIG_ERR_LEN])
{
    return c->check_move ? c->check_move(ms->cfg, err) : 0;
}

/* Once the old data plane is set aside: 'from' lets go of what 'to'
 * needs, 'to' takes it, and, when devices moved, 'to''s ports are checked
 * now that they exist.  '*claimed' says whether 'to' may hold something
 * to give back. */
static int
hand_over(struct mode_switch *ms, const struct dp_mode_class *from,
          const struct dp_mode_class *to, bool moving, bool *claimed,
          char err[CONFIG_ERR_LEN])
{
    int error = from->leave ? from->leave(ms->cfg, err) : 0;

    *claimed = false;
    if (!error && to->claim) {
        error = to->claim(ms->cfg, err);
        *claimed = !error;
    }
    if (!error && moving) {
        error = dataplane_check(ms->cfg, to, err);
    }
    return error;
}

/* After a failed switch to 'to': what it took goes back, 'from' takes back
 * what it gave, and forwards again as it did. */
static void
go_back(struct mode_switch *ms, const struct dp_mode_class *from,
        const struct dp_mode_class *to, bool moving, bool claimed,
        const char *why)
{
    char err[CONFIG_ERR_LEN];
    int error = 0;

    LOG_ERR("mode %s: %s; going back to mode %s", gfp_mode_name(to->mode),
            why, gfp_mode_name(from->mode));
    if (claimed && to->leave) {
        error = to->leave(ms->cfg, err);
    }
    if (!error && from->claim) {
        error = from->claim(ms->cfg, err);
    }
    error = error ? error : prepare(ms, from, false, err);
    error = error ? error : bring_up(ms, from, moving, err);
    if (error) {
        LOG_ERR("mode %s does not come back either: %s; stopping",
                gfp_mode_name(from->mode), err);
        ms->broken = true;
    }
}

int
mode_switch_start(struct mode_switch *ms, char err[CONFIG_ERR_LEN])
{
    const struct dp_mode_class *class = dp_mode_class(ms->cfg->mode);
    struct dataplane *dp;
    int error;

    /* The TSC calibration sleeps: do it now, not in the first drain. */
    cycles_hz();
    error = prepare(ms, class, true, err);
    error = error ? error : dataplane_create(ms->cfg, class, ms->counters,
                                             &dp, err);
    if (error) {
        return error;
    }
    error = dataplane_start(dp);
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "cannot start forwarding: %s",
                 strerror(-error));
        ms->stopped = dp;
        return error == -EINVAL || error == -ENOTSUP ? -EIO : error;
    }
    mode_switch_lock(ms);
    ms->dp = dp;
    mode_switch_unlock(ms);
    return 0;
}

/* What can fail without touching the running data plane.  Ports that take
 * in nothing until they start are configured (the slow part, pools and
 * rings) while the old mode still forwards; the others open only once the
 * old ports are closed; ports on devices that move between drivers exist
 * only once they moved ('*moving'). */
static int
switch_check(struct mode_switch *ms, const struct dp_mode_class *from,
             const struct dp_mode_class *to, bool *moving,
             char err[CONFIG_ERR_LEN])
{
    int error = prepare(ms, to, false, err);
    int from_moves = error ? error : check_move(ms, from, err);
    int to_moves = from_moves < 0 ? from_moves : check_move(ms, to, err);

    if (to_moves < 0) {
        return to_moves;
    }
    *moving = from_moves || to_moves;
    if (*moving) {
        return 0;
    }
    error = dataplane_check(ms->cfg, to, err);
    if (!error && to->opens_quiet && !ms->parked[to->mode]) {
        error = dataplane_create(ms->cfg, to, ms->counters,
                                 &ms->parked[to->mode], err);
    }
    return error;
}

int
mode_switch_to(struct mode_switch *ms, enum gfp_mode to_mode,
               char err[CONFIG_ERR_LEN])
{
    const struct dp_mode_class *to = dp_mode_class(to_mode);
    const struct dp_mode_class *from;
    bool moving, claimed;
    uint64_t t0;
    int error;

    from = dp_mode_class(dataplane_mode(ms->dp));
    if (to == from) {
        return 0;
    }
    error = switch_check(ms, from, to, &moving, err);
    if (error) {
        return error;
    }

    LOG_INFO("switching from mode %s to mode %s%s",
             gfp_mode_name(from->mode), gfp_mode_name(to_mode),
             moving ? ", the devices changing drivers" : "");
    mode_switch_lock(ms);
    t0 = take_down(ms, moving);
    error = hand_over(ms, from, to, moving, &claimed, err);
    error = error ? error : bring_up(ms, to, moving, err);
    if (error) {
        go_back(ms, from, to, moving, claimed, err);
        mode_switch_unlock(ms);
        return error;
    }
    ms->switches++;
    mode_switch_unlock(ms);
    ms->last_gap_ms = (double) (cycles_now() - t0) * 1000 / cycles_hz();
    LOG_INFO("now in mode %s; no port took in frames for %.1f ms",
             gfp_mode_name(to_mode), ms->last_gap_ms);
    return 0;
}

/* Under the lock: reading a PacketMMAP port's kernel counters clears
 * them, so two threads must not read at once. */
static json_t *
stats_of(struct mode_switch *ms, struct dataplane *dp)
{
    json_t *stats;

    mode_switch_lock(ms);
    stats = dataplane_stats_json(dp);
    mode_switch_unlock(ms);
    json_object_set_new(stats, "mode_switches", json_integer(ms->switches));
    return stats;
}

json_t *
mode_switch_stats(struct mode_switch *ms)
{
    return ms->dp ? stats_of(ms, ms->dp) : NULL;
}

json_t *
mode_switch_stop(struct mode_switch *ms)
{
    struct dataplane *dp = ms->dp;

    if (!dp) {
        return NULL;
    }
    /* From here on, the data plane is this thread's alone. */
    mode_switch_lock(ms);
    ms->dp = NULL;
    mode_switch_unlock(ms);
    dataplane_stop(dp, true, DRAIN_MS, NULL);
    ms->stopped = dp;
    return stats_of(ms, dp);
}

void
mode_switch_destroy(struct mode_switch *ms)
{
    if (!ms) {
        return;
    }
    dataplane_destroy(ms->dp);
    dataplane_destroy(ms->stopped);
    for (int m = 0; m < GFP_N_MODES; m++) {
        dataplane_destroy(ms->parked[m]);
    }
    for (int m = 0; m < GFP_N_MODES; m++) {
        const struct dp_mode_class *class = dp_mode_class(m);

        if (ms->prepared[m] && class->finish) {
            class->finish();
        }
    }
    dp_counters_destroy(ms->counters);
    pthread_mutex_destroy(&ms->lock);
    free(ms);
}
