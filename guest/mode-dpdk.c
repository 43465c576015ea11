/* DPDK mode: the ports are the ethdevs the EAL probed (PCI devices, or
 * those its --vdev options make), polled on the EAL's worker lcores.  A
 * build without DPDK links mode-dpdk-stub.c instead. */
#include <config.h>
#include "mode.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "fwd-telemetry.h"
#include "log.h"
#include "mode-dpdk-pci.h"
#include "port-provider.h"
#include "util.h"
#include "vhost-sock.h"

LOG_MODULE(mode_dpdk);

/* The virtio-net header that precedes a frame in its receive buffer:
 * struct virtio_net_hdr_mrg_rxbuf, 12 bytes. */
#define VIRTIO_NET_HDR_MAX 12

/* The EAL is the process's: it starts at most once, and a failure is for
 * good.  This mirrors its state. */
static struct {
    enum { EAL_DOWN, EAL_UP, EAL_FAILED } state;
    char error[128];
    int argc;
    char **argv;                /* What it started with (ours to free). */
    char **view;                /* The same pointers, given to the EAL,
                                 * which rearranges them. */
} eal;

/* rte_eal_init(), with stdout sent to stderr meanwhile: the EAL prints its
 * usage on stdout when it rejects an option, and stdout is for the
 * counters gfp-fwd prints at exit. */
static int
eal_init(int argc, char *argv[])
{
    int saved, ret;

    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    if (saved >= 0) {
        dup2(STDERR_FILENO, STDOUT_FILENO);
    }
    ret = rte_eal_init(argc, argv) < 0
          ? (rte_errno == EINVAL ? -EINVAL : -(rte_errno ? rte_errno : EIO))
          : 0;
    fflush(stdout);
    if (saved >= 0) {
        dup2(saved, STDOUT_FILENO);
        close(saved);
    }
    return ret;
}

/* A vhost-user socket that a live guest listens on is an error; a dead
 * guest's is cleared. */
static int
dpdk_check_env(const struct dp_mode_env *env, char err[CONFIG_ERR_LEN])
{
    return vhost_sock_prepare(env->argc, env->argv, err, CONFIG_ERR_LEN);
}

/* Whether every frame of 'cfg''s MTU fits one of the mbufs port-dpdk.c
 * gives a virtio port's receive queues, after the virtio-net header. */
static bool
frames_fit_one_mbuf(const struct config *cfg)
{
    unsigned room = cfg->mbuf_size ? cfg->mbuf_size
                                   : RTE_MBUF_DEFAULT_BUF_SIZE;

    return (cfg->mtu + GFP_ETH_OVERHEAD + VIRTIO_NET_HDR_MAX
            + RTE_PKTMBUF_HEADROOM) <= room;
}

/* Whether the CPU runs the packed ring's vectorized paths: DPDK checks
 * AVX512F and builds them with AVX512BW and AVX512VL too. */
static bool
cpu_has_avx512(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f")
           && __builtin_cpu_supports("avx512bw")
           && __builtin_cpu_supports("avx512vl");
#else
    return false;
#endif
}

/* The virtio-user datapath for 'cfg' (see vhost-sock.c). */
static enum virtio_datapath
virtio_datapath(const struct config *cfg)
{
    if (!frames_fit_one_mbuf(cfg)) {
        return VIRTIO_DP_MERGEABLE;
    }
    return cpu_has_avx512() ? VIRTIO_DP_PACKED_VEC : VIRTIO_DP_SPLIT_VEC;
}

/* The EAL arguments, with virtio-user's datapath devargs added where the
 * user has not chosen (unless --virtio-defaults off). */
static int
eal_args(const struct dp_mode_env *env)
{
    bool apply = env->cfg && !env->cfg->no_virtio_defaults;

    if (env->cfg && !apply) {
        LOG_INFO("--virtio-defaults off: virtio-user devargs as given");
    }
    eal.argc = env->argc;
    eal.argv = vhost_sock_apply_defaults(
        &eal.argc, env->argv, apply,
        apply ? virtio_datapath(env->cfg) : VIRTIO_DP_MERGEABLE);
    eal.view = eal.argv ? calloc(eal.argc + 1, sizeof *eal.view) : NULL;
    if (!eal.view) {
        return -ENOMEM;
    }
    memcpy(eal.view, eal.argv, eal.argc * sizeof *eal.view);
    return 0;
}

/* At start, the message speaks to the user at the command line; at a live
 * switch, to the control socket's client. */
static int
dpdk_prepare(const struct dp_mode_env *env, bool at_start,
             char err[CONFIG_ERR_LEN])
{
    int ret;

    if (eal.state == EAL_UP) {
        return 0;
    } else if (eal.state == EAL_FAILED) {
        snprintf(err, CONFIG_ERR_LEN, "the DPDK EAL failed to start "
                 "earlier (%.100s) and starts at most once per process: "
                 "restart gfp-fwd to retry", eal.error);
        return -EALREADY;
    }
    ret = eal_args(env);
    if (!ret) {
        ret = eal_init(eal.argc, eal.view);
    }
    if (ret) {
        eal.state = EAL_FAILED;
        snprintf(eal.error, sizeof eal.error, "%s",
                 ret == -EINVAL ? "it rejected its options"
                                : rte_strerror(-ret));
        if (!at_start) {
            snprintf(err, CONFIG_ERR_LEN, "cannot start the DPDK EAL: "
                     "%.100s (see the EAL's message in the log)", eal.error);
        } else if (ret == -EINVAL) {
            snprintf(err, CONFIG_ERR_LEN, "the EAL rejected its options "
                     "(see its message above); gfp-fwd's own options go "
                     "after '--'");
        } else {
            snprintf(err, CONFIG_ERR_LEN, "cannot start the DPDK EAL: %.100s "
                     "(are hugepages reserved and hugetlbfs mounted?  Run "
                     "utilities/gfp-setup, or pass --no-huge for a test)",
                     eal.error);
        }
        return ret;
    }
    eal.state = EAL_UP;
    fwd_telemetry_register();
    return 0;
}

static void
dpdk_finish(void)
{
    if (eal.state == EAL_UP) {
        rte_eal_cleanup();
        eal.state = EAL_DOWN;
    }
    vhost_sock_free_argv(eal.argc, eal.argv);
    free(eal.view);
    eal.argv = eal.view = NULL;
}

/* The EAL is up whenever DPDK mode runs or a switch to it is under way
 * (prepare() came first). */
static int
dpdk_check_move(const struct config *cfg, char err[CONFIG_ERR_LEN])
{
    return eal.state == EAL_UP ? dpdk_pci_check_move(cfg, err) : 0;
}

static unsigned
dpdk_port_count(const struct config *cfg)
{
    return rte_eth_dev_count_avail();
}

static bool
dpdk_port_exists(const struct config *cfg, unsigned id)
{
    return id < RTE_MAX_ETHPORTS && rte_eth_dev_is_valid_port(id);
}

static int
dpdk_port_open(const struct config *cfg, unsigned id, struct port **portp,
               char err[CONFIG_ERR_LEN])
{
    char name[16];
    int error;

    snprintf(name, sizeof name, "%u", id);
    error = port_open(&port_dpdk_class, name, portp);
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "port %u: cannot open: %s", id,
                 strerror(-error));
    }
    return error;
}

static unsigned
dpdk_n_workers(const struct config *cfg)
{
    unsigned n = 0, lcore;

    RTE_LCORE_FOREACH_WORKER(lcore) {
        n++;
    }
    return n;
}

static void
dpdk_worker_ids(unsigned *ids, unsigned n)
{
    unsigned i = 0, lcore;

    RTE_LCORE_FOREACH_WORKER(lcore) {
        if (i < n) {
            ids[i++] = lcore;
        }
    }
}

static int
dpdk_worker_cpu(unsigned lcore)
{
    return rte_lcore_to_cpu_id(lcore);
}

static int
dpdk_launch(struct dp_mode_worker *w, const cpu_set_t *cpus)
{
    return rte_eal_remote_launch(w->fn, w->arg, w->id);
}

static void
dpdk_join(struct dp_mode_worker *w)
{
    rte_eal_wait_lcore(w->id);
}

const struct dp_mode_class mode_dpdk_class = {
    .mode = GFP_MODE_DPDK,
    .worker_kind = "lcore",
    .parkable = true,
    .opens_quiet = true,
    .check_env = dpdk_check_env,
    .prepare = dpdk_prepare,
    .finish = dpdk_finish,
    .check_move = dpdk_check_move,
    .leave = dpdk_pci_leave,
    .claim = dpdk_pci_claim,
    .port_count = dpdk_port_count,
    .port_exists = dpdk_port_exists,
    .ports_from = "the EAL probed",
    .ports_noun = "ports",
    .odd_ports_hint = "give --vdev or PCI devices, or --pairs",
    .port_open = dpdk_port_open,
    .n_workers = dpdk_n_workers,
    .worker_ids = dpdk_worker_ids,
    .no_worker_error = "no worker lcore: give the EAL at least two lcores "
                       "(e.g. -l 0,1); the first one is the main lcore",
    .worker_cpu = dpdk_worker_cpu,
    .launch = dpdk_launch,
    .join = dpdk_join,
};
