#include <config.h>
#include "idle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "port.h"

LOG_MODULE(dataplane);

/* The first sleep of an idle spell. */
#define SLEEP_MIN_NS 1000

int
dp_idle_init(struct dp_idle *idle, const struct config *cfg,
             unsigned max_queues)
{
    unsigned max_us = cfg->idle_sleep_max ? cfg->idle_sleep_max
                                          : CONFIG_IDLE_SLEEP_MAX_DEFAULT;

    *idle = (struct dp_idle) {
        .mode = cfg->idle,
        .wake_fd = -1,
        .sleep_ns = SLEEP_MIN_NS,
        .sleep_max_ns = (uint64_t) max_us * 1000,
    };
    if (cfg->idle == CONFIG_IDLE_POLL) {
        return 0;
    }
    idle->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (idle->wake_fd < 0) {
        return -errno;
    }
    idle->max_fds = 1 + max_queues;
    idle->fds = calloc(idle->max_fds, sizeof *idle->fds);
    idle->arm = calloc(max_queues ? max_queues : 1, sizeof *idle->arm);
    if (!idle->fds || !idle->arm) {
        dp_idle_destroy(idle);
        return -ENOMEM;
    }
    dp_idle_clear_queues(idle);
    return 0;
}

void
dp_idle_destroy(struct dp_idle *idle)
{
    if (idle->wake_fd >= 0) {
        close(idle->wake_fd);
        idle->wake_fd = -1;
    }
    free(idle->fds);
    free(idle->arm);
    idle->fds = NULL;
    idle->arm = NULL;
}

void
dp_idle_clear_queues(struct dp_idle *idle)
{
    if (idle->fds) {
        idle->fds[0] = (struct pollfd) { .fd = idle->wake_fd,
                                         .events = POLLIN };
        idle->n_fds = 1;
    }
    idle->n_arm = 0;
}

int
dp_idle_add_queue(struct dp_idle *idle, const struct port *port,
                  unsigned id, unsigned qid, const struct port_queue *q)
{
    int fd, error;

    if (idle->mode != CONFIG_IDLE_INTERRUPT || idle->n_fds >= idle->max_fds) {
        return 0;
    }
    error = port_rx_wait_fd(port, qid, &fd);
    if (error == -EOPNOTSUPP) {
        LOG_ERR("port %u (%s): driver %s has no receive interrupts, which "
                "--idle interrupt needs (--idle sleep does not)", id,
                port_name(port), port_driver(port));
        return error;
    } else if (error) {
        LOG_ERR("port %u (%s): queue %u: no receive wait fd for --idle "
                "interrupt: %s", id, port_name(port), qid, strerror(-error));
        return error;
    }
    idle->fds[idle->n_fds++] = (struct pollfd) { .fd = fd, .events = POLLIN };
    if (q->rx_intr) {
        idle->arm[idle->n_arm++] = q;
    }
    return 0;
}

void
dp_idle_wake(struct dp_idle *idle)
{
    if (idle->wake_fd >= 0) {
        uint64_t one = 1;

        if (write(idle->wake_fd, &one, sizeof one) < 0) {
            /* EAGAIN: the counter is full, so the worker is woken. */
        }
    }
}

void
dp_idle_thread_init(const struct dp_idle *idle)
{
    /* The kernel may let a timer of this thread fire up to the timer
     * slack (50 us by default) late: make a short sleep that short. */
    if (idle->mode == CONFIG_IDLE_SLEEP) {
        prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    }
}

void
dp_idle_busy(struct dp_idle *idle)
{
    idle->sleep_ns = SLEEP_MIN_NS;
}

bool
dp_idle_arm(struct dp_idle *idle)
{
    for (unsigned i = 0; i < idle->n_arm; i++) {
        idle->arm[i]->rx_intr(idle->arm[i]->q, true);
    }
    return idle->n_arm > 0;
}

void
dp_idle_disarm(struct dp_idle *idle)
{
    for (unsigned i = 0; i < idle->n_arm; i++) {
        idle->arm[i]->rx_intr(idle->arm[i]->q, false);
    }
}

void
dp_idle_wait(struct dp_idle *idle)
{
    struct timespec ts;
    uint64_t ns;
    unsigned n_fds;

    if (idle->mode == CONFIG_IDLE_SLEEP) {
        ns = idle->sleep_ns;
        n_fds = 1;
        idle->sleep_ns = ns * 2 < idle->sleep_max_ns ? ns * 2
                                                     : idle->sleep_max_ns;
    } else {
        ns = (uint64_t) DP_IDLE_WAIT_MAX_MS * 1000 * 1000;
        n_fds = idle->n_fds;
    }
    ts.tv_sec = ns / 1000000000;
    ts.tv_nsec = ns % 1000000000;
    if (ppoll(idle->fds, n_fds, &ts, NULL) > 0
        && idle->fds[0].revents & POLLIN) {
        uint64_t count;

        if (read(idle->wake_fd, &count, sizeof count) < 0) {
            /* EAGAIN: another read got it. */
        }
    }
}
