/* gfp-fwd's counters as DPDK telemetry commands under /gfp/, readable
 * with the stock dpdk-telemetry.py while gfp-fwd runs in either mode. */
#include <config.h>
#include "fwd-telemetry.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "dataplane.h"
#include "log.h"
#include "mode-switch.h"
#include "stats.h"
#include "util.h"

LOG_MODULE(fwd_telemetry);

/* DPDK 22.11's telemetry callbacks take no argument of ours, so what they
 * read is here.  'mutex' guards 'ms' itself (attached and detached by the
 * main thread); the callbacks hold it while they run, and the data-plane
 * lock of 'ms' while they read its data plane. */
static struct {
    pthread_mutex_t mutex;
    struct mode_switch *ms;         /* NULL: not forwarding. */
} tel = { .mutex = PTHREAD_MUTEX_INITIALIZER };

static bool registered;             /* Main thread only. */

void
fwd_telemetry_attach(struct mode_switch *ms)
{
    pthread_mutex_lock(&tel.mutex);
    tel.ms = ms;
    pthread_mutex_unlock(&tel.mutex);
}

/* One dict entry per counter of QUEUE_COUNTERS, and their "drops", as
 * the JSON dumps have them. */
static void
add_counters(struct rte_tel_data *d, const struct queue_stats *s)
{
#define ADD_COUNTER(NAME, KIND, MEANING) \
    rte_tel_data_add_dict_u64(d, #NAME, s->NAME);
    QUEUE_COUNTERS(ADD_COUNTER)
#undef ADD_COUNTER
    rte_tel_data_add_dict_u64(d, "drops", queue_stats_drops(s));
}

static bool
no_params(const char *params)
{
    return !params || !params[0];
}

/* Takes the locks and returns the running data plane, or releases them
 * and returns NULL when there is none.  dp_put() releases them. */
static const struct dataplane *
dp_get(void)
{
    const struct dataplane *dp = NULL;

    pthread_mutex_lock(&tel.mutex);
    if (tel.ms) {
        mode_switch_lock(tel.ms);
        dp = mode_switch_dataplane(tel.ms);
        if (!dp) {
            mode_switch_unlock(tel.ms);
        }
    }
    if (!dp) {
        pthread_mutex_unlock(&tel.mutex);
    }
    return dp;
}

static void
dp_put(void)
{
    mode_switch_unlock(tel.ms);
    pthread_mutex_unlock(&tel.mutex);
}

static int
cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
    uint16_t ids[CONFIG_MAX_PORTS];
    const struct dataplane *dp;
    struct queue_stats total;
    unsigned n;

    if (!no_params(params)) {
        return -EINVAL;
    }
    dp = dp_get();
    if (!dp) {
        return -ENODEV;
    }
    memset(&total, 0, sizeof total);
    n = dataplane_port_ids(dp, ids);
    for (unsigned i = 0; i < n; i++) {
        struct queue_stats sum;

        dataplane_port_stats(dp, ids[i], &sum, NULL);
        queue_stats_add(&total, &sum);
    }
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_string(d, "mode",
                                 gfp_mode_name(dataplane_mode(dp)));
    rte_tel_data_add_dict_u64(d, "mode_switches", mode_switch_count(tel.ms));
    rte_tel_data_add_dict_u64(d, "ports", n);
    rte_tel_data_add_dict_u64(d, "queues", dataplane_queues(dp));
    add_counters(d, &total);
    dp_put();
    return 0;
}

static int
cmd_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
    uint16_t ids[CONFIG_MAX_PORTS];
    const struct dataplane *dp;
    unsigned n;

    if (!no_params(params)) {
        return -EINVAL;
    }
    dp = dp_get();
    if (!dp) {
        return -ENODEV;
    }
    n = dataplane_port_ids(dp, ids);
    dp_put();

    rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
    for (unsigned i = 0; i < n; i++) {
        rte_tel_data_add_array_int(d, ids[i]);
    }
    return 0;
}

/* Port 'id''s "name", "driver" and "devargs", as the control socket's
 * "ports" shows them. */
static void
add_port_info(struct rte_tel_data *d, const struct dataplane *dp,
              unsigned id)
{
    json_t *ports = dataplane_ports_json(dp);
    json_t *port;
    size_t i;

    json_array_foreach (ports, i, port) {
        if (json_integer_value(json_object_get(port, "id"))
            == (json_int_t) id) {
            const char *name = json_string_value(json_object_get(port,
                                                                 "name"));
            const char *driver = json_string_value(
                json_object_get(port, "driver"));

            const char *devargs = json_string_value(
                json_object_get(port, "devargs"));

            rte_tel_data_add_dict_string(d, "name", name ? name : "");
            rte_tel_data_add_dict_string(d, "driver", driver ? driver : "");
            if (devargs) {
                rte_tel_data_add_dict_string(d, "devargs", devargs);
            }
            break;
        }
    }
    json_decref(ports);
}

static int
cmd_port_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
    struct queue_stats total, queues[CONFIG_MAX_QUEUES];
    const struct dataplane *dp;
    struct rte_tel_data *jqueues;
    unsigned long long id;
    unsigned n_queues;
    int error = 0;

    if (parse_uint(params, 0, CONFIG_MAX_PORTS - 1, &id)) {
        return -EINVAL;
    }
    dp = dp_get();
    if (!dp) {
        return -ENODEV;
    }
    n_queues = dataplane_queues(dp);
    if (n_queues > ARRAY_SIZE(queues)
        || dataplane_port_stats(dp, id, &total, queues)) {
        error = -EINVAL;
        goto out;
    }
    jqueues = rte_tel_data_alloc();
    if (!jqueues) {
        error = -ENOMEM;
        goto out;
    }
    rte_tel_data_start_dict(jqueues);
    for (unsigned q = 0; q < n_queues; q++) {
        struct rte_tel_data *jq = rte_tel_data_alloc();
        char name[16];

        if (!jq) {
            rte_tel_data_free(jqueues);
            error = -ENOMEM;
            goto out;
        }
        rte_tel_data_start_dict(jq);
        add_counters(jq, &queues[q]);
        snprintf(name, sizeof name, "%u", q);
        if (rte_tel_data_add_dict_container(jqueues, name, jq, 0)) {
            rte_tel_data_free(jq);
        }
    }

    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_u64(d, "id", id);
    add_port_info(d, dp, id);
    add_counters(d, &total);
    rte_tel_data_add_dict_container(d, "queues", jqueues, 0);

out:
    dp_put();
    return error;
}

static int
cmd_mode(const char *cmd, const char *params, struct rte_tel_data *d)
{
    const struct dataplane *dp;

    if (!no_params(params)) {
        return -EINVAL;
    }
    dp = dp_get();
    if (!dp) {
        return -ENODEV;
    }
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_string(d, "mode",
                                 gfp_mode_name(dataplane_mode(dp)));
    rte_tel_data_add_dict_u64(d, "mode_switches", mode_switch_count(tel.ms));
    dp_put();
    return 0;
}

static const struct {
    const char *name;
    telemetry_cb fn;
    const char *help;
} commands[] = {
    { "/gfp/stats", cmd_stats,
      "gfp-fwd's counters over every port, the mode and mode_switches. "
      "No parameters." },
    { "/gfp/ports", cmd_ports, "gfp-fwd's port ids. No parameters." },
    { "/gfp/port_stats", cmd_port_stats,
      "One gfp-fwd port's counters, total and per queue. "
      "Parameter: port id." },
    { "/gfp/mode", cmd_mode,
      "gfp-fwd's packet I/O mode (dpdk or mmap) and mode_switches. "
      "No parameters." },
};

int
fwd_telemetry_register(void)
{
    if (registered) {
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        int error = rte_telemetry_register_cmd(commands[i].name,
                                               commands[i].fn,
                                               commands[i].help);

        if (error) {
            LOG_WARN("DPDK telemetry: cannot register %s: %s",
                     commands[i].name, strerror(-error));
            return error;
        }
    }
    registered = true;
    LOG_INFO("DPDK telemetry: /gfp/stats, /gfp/ports, /gfp/port_stats "
             "and /gfp/mode registered");
    return 0;
}
