/* The AF_XDP port backend: a kernel interface through AF_XDP sockets, one
 * per queue, over libxdp's rings.  No DPDK.
 *
 * Each port loads its own XDP program, six instructions that redirect a
 * frame to the socket of the receive queue it came in on (an XSKMAP indexed
 * by queue) and pass it to the kernel's stack when that queue has none.
 * It is attached through a BPF link, so that it goes away with the process
 * however that ends: native (driver) mode where the driver has it, generic
 * (SKB) mode otherwise; the sockets bind zero-copy where the driver can
 * and copy otherwise.  Which was chosen is logged and shown in the port's
 * xstats.
 *
 * One UMEM per port, shared by its queues' sockets, each queue owning a
 * slice of it: its receive frames (twice the receive ring, all handed to
 * the kernel through the fill ring) and its transmit frames.  Received
 * frames are read in place and go back to the fill ring at the next
 * receive on the queue; transmitting copies a frame into a transmit frame
 * of the output port (one copy, as between two PacketMMAP rings).
 *
 * Or one UMEM for the two ports of a pair (port_share()), each port's
 * queues owning their slices of it as above.  Queue q of one port then
 * sends a frame received on queue q of the other by its descriptor, with
 * no copy: the frame is lent, leaves the receiving queue's hands (its
 * 'slot' entry) and goes back to that queue's fill ring when the sending
 * queue's completion ring returns it.  Both queues are polled by one
 * thread (the data plane gives a pair's queue q to one worker), so the
 * two queues' rings and lists need no lock.  A frame that cannot be lent
 * (moved out of its UMEM frame, or not one the other queue holds now) is
 * copied as before.
 *
 * Every descriptor the kernel hands over is bounds-checked against the
 * queue's slices and its frame before it is read. */
#include <config.h>
#include "port-xdp.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include "counter.h"
#include "cycles.h"
#include "log.h"
#include "port-netdev.h"
#include "port-provider.h"
#include "port-xdp-private.h"

LOG_MODULE(port_xdp);

/* The UMEM of a pair of ports (port_share()): the first of the two to
 * configure creates it, with room for both; each port's queues take
 * their slices from 'base' on. */
struct xdp_share {
    unsigned refs;              /* Ports in the share (closed: gone). */
    unsigned users;             /* Ports with sockets on the UMEM. */
    struct port_xdp *ports[2];
    struct xsk_umem *umem;
    uint8_t *area;
    size_t area_size;
    size_t port_size;           /* Bytes per port. */
    unsigned queues, rxd, txd;  /* As the first configured them. */
    bool zero_copy;             /* How the UMEM's first socket bound. */
};

struct port_xdp {
    struct port up;
    unsigned ifindex;
    unsigned if_mtu;            /* The interface's, at configure time. */
    int map_fd, prog_fd, link_fd;
    bool native, zero_copy;
    struct xdp_share *share;    /* Paired by port_share(), or NULL. */
    bool shared;                /* Its area is the share's. */
    bool share_user;            /* It counts in the share's 'users'. */
    struct xsk_umem *umem;      /* Its own UMEM, or the share's. */
    uint8_t *area;              /* Its own, or the share's. */
    size_t area_size;
    uint64_t base;              /* Its slices' offset in 'area'. */
    struct xdp_queue *qs;       /* One per queue. */
    struct port_queue *queues;  /* One per queue. */
    unsigned n_queues;
    unsigned rx_frames, tx_frames;  /* Per queue. */
};

static struct port_xdp *
port_xdp_cast(const struct port *port)
{
    return CONTAINER_OF(port, struct port_xdp, up);
}

bool
port_xdp_supported(void)
{
    return true;
}

/* libbpf and libxdp explain their failures on stderr; gfp says what failed
 * in its own words, so theirs go to the debug log. */
static int
lib_print(const char *lib, const char *fmt, va_list args)
{
    char buf[256];
    size_t len;

    vsnprintf(buf, sizeof buf, fmt, args);
    len = strlen(buf);
    if (len && buf[len - 1] == '\n') {
        buf[len - 1] = '\0';
    }
    LOG_DBG("%s: %s", lib, buf);
    return 0;
}

static int
libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
    return lib_print("libbpf", fmt, args);
}

static int
libxdp_print(enum libxdp_print_level level, const char *fmt, va_list args)
{
    return lib_print("libxdp", fmt, args);
}

static int
port_xdp_open(const char *devname, struct port **portp)
{
    struct port_xdp *dev;
    unsigned ifindex = if_nametoindex(devname);

    if (!ifindex) {
        return -ENODEV;
    }
    dev = calloc(1, sizeof *dev);
    if (!dev) {
        return -ENOMEM;
    }
    dev->ifindex = ifindex;
    dev->map_fd = dev->prog_fd = dev->link_fd = -1;
    dev->up.name = strdup(devname);
    if (!dev->up.name) {
        free(dev);
        return -ENOMEM;
    }
    libbpf_set_print(libbpf_print);
    libxdp_set_print(libxdp_print);
    *portp = &dev->up;
    return 0;
}

static void
close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Undoes create_sockets(): the sockets, and the UMEM if it is its own or
 * it was the share's last user. */
static void
close_sockets(struct port_xdp *dev)
{
    for (unsigned q = 0; q < dev->n_queues; q++) {
        struct xdp_queue *xq = &dev->qs[q];

        if (xq->peer) {
            xq->peer->peer = NULL;
        }
        xsk_socket__delete(xq->xsk);
        free(xq->tx_free);
        free(xq->tx_out);
        free(xq->slot);
    }
    if (dev->share_user) {
        struct xdp_share *sh = dev->share;

        if (!--sh->users) {
            xsk_umem__delete(sh->umem);
            sh->umem = NULL;
        }
        dev->share_user = false;
    } else if (dev->umem) {
        xsk_umem__delete(dev->umem);
    }
    dev->umem = NULL;
    free(dev->qs);
    free(dev->queues);
    dev->qs = NULL;
    dev->queues = NULL;
    dev->n_queues = 0;
}

/* Undoes configure. */
static void
close_all(struct port_xdp *dev)
{
    close_sockets(dev);
    if (dev->area && (!dev->share || dev->area != dev->share->area)) {
        munmap(dev->area, dev->area_size);
    }
    dev->area = NULL;
    close_fd(&dev->link_fd);
    close_fd(&dev->prog_fd);
    close_fd(&dev->map_fd);
}

/* Leaves the share, at close: the last port out frees it. */
static void
share_leave(struct port_xdp *dev)
{
    struct xdp_share *sh = dev->share;

    if (!sh) {
        return;
    }
    for (int i = 0; i < 2; i++) {
        if (sh->ports[i] == dev) {
            sh->ports[i] = NULL;
        }
    }
    if (!--sh->refs) {
        if (sh->area) {
            munmap(sh->area, sh->area_size);
        }
        free(sh);
    }
    dev->share = NULL;
}

static void
port_xdp_close(struct port *port)
{
    struct port_xdp *dev = port_xdp_cast(port);

    close_all(dev);
    share_leave(dev);
    free(port->name);
    free(dev);
}

/* Loads the program: r2 = ctx->rx_queue_index; return
 * bpf_redirect_map(&xsks, r2, XDP_PASS). */
static int
load_program(struct port_xdp *dev, unsigned queues)
{
    struct bpf_insn insns[] = {
        { .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_2,
          .src_reg = BPF_REG_1,
          .off = offsetof(struct xdp_md, rx_queue_index) },
        { .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
          .src_reg = BPF_PSEUDO_MAP_FD, .imm = 0 },
        { .code = 0 },
        { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3,
          .imm = XDP_PASS },
        { .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect_map },
        { .code = BPF_JMP | BPF_EXIT },
    };

    dev->map_fd = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "gfp_xsks",
                                 sizeof(uint32_t), sizeof(int), queues,
                                 NULL);
    if (dev->map_fd < 0) {
        return -errno;
    }
    insns[1].imm = dev->map_fd;
    dev->prog_fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "gfp_xsk_redir",
                                 "Dual BSD/GPL", insns, ARRAY_SIZE(insns),
                                 NULL);
    return dev->prog_fd < 0 ? -errno : 0;
}

/* Attaches the program in native mode, or else in generic mode. */
static int
attach_program(struct port_xdp *dev)
{
    LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_DRV_MODE);
    int native_error;

    dev->link_fd = bpf_link_create(dev->prog_fd, dev->ifindex, BPF_XDP,
                                   &opts);
    if (dev->link_fd >= 0) {
        dev->native = true;
        return 0;
    }
    native_error = -errno;
    if (native_error == -EBUSY || native_error == -EEXIST) {
        LOG_ERR("%s: another XDP program is attached to the interface",
                dev->up.name);
        return native_error;
    }
    opts.flags = XDP_FLAGS_SKB_MODE;
    dev->link_fd = bpf_link_create(dev->prog_fd, dev->ifindex, BPF_XDP,
                                   &opts);
    if (dev->link_fd < 0) {
        int error = -errno;

        LOG_ERR("%s: cannot attach an XDP program, native (%s) or generic "
                "(%s)", dev->up.name, strerror(-native_error),
                strerror(-error));
        return error;
    }
    dev->native = false;
    LOG_INFO("%s: the driver refuses native XDP (%s%s): generic (SKB) "
             "mode", dev->up.name, strerror(-native_error),
             native_error == -ERANGE ? ": the interface's MTU is too large "
                                       "for it" : "");
    return 0;
}

/* Creates the UMEM (unless the share has one already) and one socket per
 * queue, binding them with 'bind_flags' (which a UMEM registered already
 * does not take: its sockets bind as the first did). */
static int
create_sockets(struct port_xdp *dev, const struct port_conf *conf,
               uint16_t bind_flags)
{
    unsigned per_q = dev->rx_frames + dev->tx_frames;
    struct xdp_share *sh = dev->shared ? dev->share : NULL;
    struct xsk_umem_config ucfg = {
        .fill_size = pow2_ceil(dev->rx_frames),
        /* A shared UMEM's transmit rings take lent frames too. */
        .comp_size = sh ? 2 * dev->tx_frames : dev->tx_frames,
        .frame_size = PORT_XDP_FRAME_SIZE,
        .frame_headroom = 0,
    };
    struct xsk_socket_config scfg = {
        .rx_size = conf->rxd,
        .tx_size = conf->txd,
        .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
        .bind_flags = bind_flags | XDP_USE_NEED_WAKEUP,
    };
    int error;

    dev->qs = aligned_alloc(64, conf->queues * sizeof *dev->qs);
    dev->queues = aligned_alloc(64, conf->queues * sizeof *dev->queues);
    if (!dev->qs || !dev->queues) {
        return -ENOMEM;
    }
    memset(dev->qs, 0, conf->queues * sizeof *dev->qs);
    if (sh && sh->umem) {
        dev->umem = sh->umem;
    } else {
        error = xsk_umem__create(&dev->umem, dev->area, dev->area_size,
                                 &dev->qs[0].fill, &dev->qs[0].comp, &ucfg);
        if (error) {
            dev->umem = NULL;
            return error;
        }
        if (sh) {
            sh->umem = dev->umem;
            sh->zero_copy = bind_flags & XDP_ZEROCOPY;
        }
    }
    if (sh) {
        sh->users++;
        dev->share_user = true;
    }
    for (unsigned q = 0; q < conf->queues; q++) {
        struct xdp_queue *xq = &dev->qs[q];

        xq->area = dev->area;
        xq->rx_lo = dev->base + (uint64_t) q * per_q * PORT_XDP_FRAME_SIZE;
        xq->rx_hi = xq->rx_lo
                    + (uint64_t) dev->rx_frames * PORT_XDP_FRAME_SIZE;
        xq->tx_lo = xq->rx_hi;
        xq->tx_hi = xq->tx_lo
                    + (uint64_t) dev->tx_frames * PORT_XDP_FRAME_SIZE;
        xq->tx_free = malloc(dev->tx_frames * sizeof *xq->tx_free);
        xq->tx_out = calloc(dev->tx_frames, 1);
        xq->slot = sh ? calloc(dev->rx_frames, 1) : NULL;
        error = !xq->tx_free || !xq->tx_out || (sh && !xq->slot) ? -ENOMEM
                : xsk_socket__create_shared(&xq->xsk, dev->up.name, q,
                                            dev->umem, &xq->rx, &xq->tx,
                                            &xq->fill, &xq->comp, &scfg);
        if (error) {
            free(xq->tx_free);
            free(xq->tx_out);
            free(xq->slot);
            return error;
        }
        dev->n_queues = q + 1;
        xq->fd = xsk_socket__fd(xq->xsk);
    }
    return 0;
}

/* Hands every receive frame to the kernel and makes every transmit frame
 * free. */
static void
prime_queues(struct port_xdp *dev, const struct port_conf *conf)
{
    uint64_t hold_cycles = cycles_hz() * conf->rx_hold_us / 1000000;

    for (unsigned q = 0; q < dev->n_queues; q++) {
        struct xdp_queue *xq = &dev->qs[q];
        uint32_t idx = 0;

        xsk_ring_prod__reserve(&xq->fill, dev->rx_frames, &idx);
        for (unsigned i = 0; i < dev->rx_frames; i++) {
            *xsk_ring_prod__fill_addr(&xq->fill, idx + i)
                = xq->rx_lo + (uint64_t) i * PORT_XDP_FRAME_SIZE;
        }
        xsk_ring_prod__submit(&xq->fill, dev->rx_frames);
        for (unsigned i = 0; i < dev->tx_frames; i++) {
            xq->tx_free[i] = xq->tx_lo + (uint64_t) i * PORT_XDP_FRAME_SIZE;
        }
        memset(xq->tx_out, 0, dev->tx_frames);
        xq->n_tx_free = dev->tx_frames;
        xq->copy_mode = !dev->zero_copy;
        xq->hold_cycles = hold_cycles;
        dev->queues[q] = (struct port_queue) {
            .rx_burst = xdp_rx_burst,
            .tx_burst = xdp_tx_burst,
            .free_bufs = xdp_free_bufs,
            .q = xq,
        };
    }
}

/* What the device can do with 'conf', in one error each. */
static int
check_conf(const struct port_xdp *dev, const struct port_conf *conf)
{
    const char *name = dev->up.name;

    if (conf->mtu > PORT_XDP_MAX_MTU) {
        LOG_ERR("%s: MTU %u is above what an AF_XDP frame holds: at most "
                "%u (a %u-byte UMEM frame less %u bytes of kernel headroom,"
                " an Ethernet header and a VLAN tag)", name, conf->mtu,
                PORT_XDP_MAX_MTU, PORT_XDP_FRAME_SIZE,
                PORT_XDP_FRAME_SIZE - PORT_XDP_MAX_FRAME);
        return -EMSGSIZE;
    }
    if (!conf->queues || !conf->rxd || !conf->txd
        || conf->rxd & (conf->rxd - 1) || conf->txd & (conf->txd - 1)) {
        LOG_ERR("%s: AF_XDP rings need a power of two of descriptors and "
                "at least one queue (rxd %u, txd %u, queues %u)", name,
                conf->rxd, conf->txd, conf->queues);
        return -EINVAL;
    }
    return 0;
}

/* A UMEM area of its own for 'dev', of 'dev->area_size' bytes. */
static int
map_area_own(struct port_xdp *dev)
{
    dev->base = 0;
    dev->shared = false;
    dev->area = mmap(NULL, dev->area_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (dev->area == MAP_FAILED) {
        dev->area = NULL;
        return -errno;
    }
    return 0;
}

/* The UMEM area of 'dev' for 'conf': the share's (made here, with room
 * for both ports, if this is the first of the two to configure) when the
 * other port was configured alike or not yet, else one of its own. */
static int
map_area(struct port_xdp *dev, const struct port_conf *conf)
{
    struct xdp_share *sh = dev->share;
    size_t size = (size_t) conf->queues * (dev->rx_frames + dev->tx_frames)
                  * PORT_XDP_FRAME_SIZE;

    dev->base = 0;
    dev->shared = false;
    dev->area_size = size;
    if (sh && sh->area && (sh->queues != conf->queues || sh->rxd != conf->rxd
                           || sh->txd != conf->txd)) {
        LOG_INFO("%s: configured unlike its pair's other port: a UMEM of "
                 "its own, frames copied", dev->up.name);
    } else if (sh) {
        if (!sh->area) {
            void *area = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

            if (area == MAP_FAILED) {
                return -errno;
            }
            sh->area = area;
            sh->area_size = 2 * size;
            sh->port_size = size;
            sh->queues = conf->queues;
            sh->rxd = conf->rxd;
            sh->txd = conf->txd;
        }
        dev->shared = true;
        dev->area = sh->area;
        dev->area_size = sh->area_size;
        dev->base = dev == sh->ports[0] ? 0 : sh->port_size;
        return 0;
    }
    return map_area_own(dev);
}

/* The other port of the share, when its sockets are on the same UMEM as
 * those of 'dev', or NULL. */
static struct port_xdp *
share_peer(const struct port_xdp *dev)
{
    const struct xdp_share *sh = dev->share;
    struct port_xdp *other;

    if (!sh || !dev->shared) {
        return NULL;
    }
    other = sh->ports[0] == dev ? sh->ports[1] : sh->ports[0];
    return other && other->shared && other->n_queues == dev->n_queues
           ? other : NULL;
}

/* Creates the sockets: on the share's UMEM if the other port made it (or
 * else, if the devices cannot share it, on one of its own); otherwise
 * zero-copy where the driver can, else in copy mode. */
static int
bind_sockets(struct port_xdp *dev, const struct port_conf *conf)
{
    struct xdp_share *sh = dev->share;
    int error;

    if (dev->shared && sh->umem) {
        dev->zero_copy = sh->zero_copy;
        error = create_sockets(dev, conf, 0);
        if (!error) {
            return 0;
        }
        LOG_INFO("%s: cannot bind to the UMEM its pair's other port made "
                 "(%s): a UMEM of its own, frames copied", dev->up.name,
                 strerror(-error));
        close_sockets(dev);
        dev->area_size = dev->share->port_size;
        error = map_area_own(dev);
        if (error) {
            return error;
        }
    }
    dev->zero_copy = false;
    error = -EOPNOTSUPP;
    if (dev->native) {
        dev->zero_copy = true;
        error = create_sockets(dev, conf, XDP_ZEROCOPY);
    }
    if (error) {
        /* No zero-copy in this driver: start over in copy mode. */
        close_sockets(dev);
        dev->zero_copy = false;
        error = create_sockets(dev, conf, XDP_COPY);
    }
    return error;
}

static int
port_xdp_configure(struct port *port, const struct port_conf *conf)
{
    struct port_xdp *dev = port_xdp_cast(port);
    struct port_xdp *peer = share_peer(dev);
    struct ifreq ifr;
    int error;

    if (peer) {
        /* The UMEM's first socket stays bound until both let it go. */
        LOG_ERR("%s: shares its UMEM with %s: close both ports before "
                "configuring either again", port->name, peer->up.name);
        return -EBUSY;
    }
    close_all(dev);
    error = check_conf(dev, conf);
    if (error) {
        return error;
    }
    error = port_netdev_ioctl(port->name, SIOCGIFMTU, &ifr);
    if (error) {
        return error;
    }
    dev->if_mtu = ifr.ifr_mtu;
    /* Sharing, a queue's receive frames may also wait in the other's
     * transmit ring: as many more. */
    dev->rx_frames = 2 * conf->rxd + (dev->share ? conf->txd : 0);
    dev->tx_frames = conf->txd;
    error = map_area(dev, conf);
    if (error) {
        goto error;
    }
    error = load_program(dev, conf->queues);
    if (error) {
        LOG_ERR("%s: cannot load the XDP program: %s", port->name,
                strerror(-error));
        goto error;
    }
    error = attach_program(dev);
    if (error) {
        goto error;
    }
    error = bind_sockets(dev, conf);
    if (error) {
        LOG_ERR("%s: cannot create AF_XDP sockets on %u queues: %s%s",
                port->name, conf->queues, strerror(-error),
                error == -EINVAL ? " (has the interface that many receive "
                                   "queues?)" : "");
        goto error;
    }
    prime_queues(dev, conf);
    peer = share_peer(dev);
    for (unsigned q = 0; peer && q < dev->n_queues; q++) {
        dev->qs[q].peer = &peer->qs[q];
        peer->qs[q].peer = &dev->qs[q];
    }
    LOG_INFO("%s (AF_XDP): %u queues, MTU %u, %s XDP, %s, %s of %u "
             "receive + %u transmit frames of %u bytes per queue%s%s",
             port->name, conf->queues, conf->mtu,
             dev->native ? "native" : "generic",
             dev->zero_copy ? "zero-copy" : "copy mode",
             dev->shared ? "a UMEM shared with its pair" : "one UMEM",
             dev->rx_frames, dev->tx_frames, PORT_XDP_FRAME_SIZE,
             peer ? ", forwarding to " : "",
             peer ? peer->up.name : "");
    if (conf->rx_hold_us) {
        LOG_INFO("%s: fewer than %u received frames wait up to %u us for "
                 "more (receive hold)", port->name, conf->burst,
                 conf->rx_hold_us);
    }
    return 0;

error:
    close_all(dev);
    return error;
}

/* Points the program at the sockets ('on') or at none (frames go to the
 * kernel's stack). */
static int
steer(struct port_xdp *dev, bool on)
{
    for (uint32_t q = 0; q < dev->n_queues; q++) {
        int error = on ? bpf_map_update_elem(dev->map_fd, &q,
                                             &dev->qs[q].fd, 0)
                       : bpf_map_delete_elem(dev->map_fd, &q);

        if (error && !(errno == ENOENT && !on)) {
            return -errno;
        }
    }
    return 0;
}

static int
port_xdp_start(struct port *port)
{
    struct port_xdp *dev = port_xdp_cast(port);
    int error;

    if (!dev->n_queues) {
        return -EINVAL;
    }
    error = steer(dev, true);
    if (error) {
        LOG_ERR("%s: cannot steer the queues to their sockets: %s",
                port->name, strerror(-error));
        return error;
    }
    /* As a PacketMMAP port: its interface is up once it can count. */
    return port_netdev_set_up(port->name, true);
}

/* Kicks until what was counted as sent has gone, for at most 100 ms. */
static unsigned
tx_flush(struct xdp_queue *q)
{
    for (unsigned ms = 0; q->tx_pending && ms < 100; ms++) {
        xdp_kick(q);
        xdp_reap(q);
        if (q->tx_pending) {
            usleep(1000);
        }
    }
    return q->tx_pending;
}

static void
port_xdp_stop(struct port *port)
{
    struct port_xdp *dev = port_xdp_cast(port);

    steer(dev, false);
    for (unsigned q = 0; q < dev->n_queues; q++) {
        unsigned left = tx_flush(&dev->qs[q]);

        if (left) {
            LOG_WARN("%s: queue %u: %u frames still queued for transmit "
                     "after 100 ms", port->name, q, left);
        }
    }
}

/* The program passes what comes in to the kernel from now on; what the
 * receive rings hold can still be received. */
static int
port_xdp_rx_quiesce(struct port *port)
{
    return steer(port_xdp_cast(port), false);
}

/* The two ports forward to each other: one UMEM for both, made by the
 * first to configure. */
static int
port_xdp_share(struct port *a_, struct port *b_)
{
    struct port_xdp *a = port_xdp_cast(a_), *b = port_xdp_cast(b_);
    struct xdp_share *sh;

    if (a == b || a->share || b->share || a->n_queues || b->n_queues) {
        return -EINVAL;
    }
    sh = calloc(1, sizeof *sh);
    if (!sh) {
        return -ENOMEM;
    }
    sh->refs = 2;
    sh->ports[0] = a;
    sh->ports[1] = b;
    a->share = b->share = sh;
    return 0;
}

static const struct port_queue *
port_xdp_queue(const struct port *port, unsigned qid)
{
    return &port_xdp_cast(port)->queues[qid];
}

/* --idle interrupt: the socket is readable while its receive ring holds
 * descriptors. */
static int
port_xdp_rx_wait_fd(const struct port *port, unsigned qid, int *fd)
{
    *fd = port_xdp_cast(port)->qs[qid].fd;
    return 0;
}

/* The counters of every queue, summed. */
static void
sum_counters(const struct port_xdp *dev, struct xdp_counters *sum)
{
    memset(sum, 0, sizeof *sum);
    for (unsigned q = 0; q < dev->n_queues; q++) {
        const struct xdp_queue *xq = &dev->qs[q];
        struct xdp_statistics ks;
        socklen_t len = sizeof ks;

        memset(&ks, 0, sizeof ks);
        if (getsockopt(xq->fd, SOL_XDP, XDP_STATISTICS, &ks, &len)) {
            memset(&ks, 0, sizeof ks);
        }
#define XDP_SUM_KERNEL(NAME, KIND, DESC) sum->NAME += ks.NAME;
        XDP_KERNEL_COUNTERS(XDP_SUM_KERNEL)
#undef XDP_SUM_KERNEL
#define XDP_SUM_PORT(NAME, KIND, DESC) \
        sum->NAME += counter_get(&xq->sw.NAME);
        XDP_PORT_COUNTERS(XDP_SUM_PORT)
#undef XDP_SUM_PORT
    }
}

/* Folds the counters into gfp's drops by reason: no fill buffer is "no
 * buffer to receive into" (the data plane's drop_no_mbuf), a full receive
 * ring is "missed"; the kernel's rx_dropped counts the fill ring's drops
 * too, so only the rest of it are errors. */
static int
port_xdp_get_dev_stats(const struct port *port, struct port_dev_stats *s)
{
    struct xdp_counters c;
    uint64_t other_rx;

    sum_counters(port_xdp_cast(port), &c);
    other_rx = c.rx_dropped > c.rx_fill_ring_empty_descs
               ? c.rx_dropped - c.rx_fill_ring_empty_descs : 0;
    s->rx_nombuf = c.rx_fill_ring_empty_descs;
    s->rx_missed = c.rx_ring_full;
    s->rx_errors = other_rx + c.rx_invalid_descs + c.rx_bad_desc;
    s->tx_errors = c.tx_invalid_descs + c.tx_too_big + c.tx_kick_errors
                   + c.comp_bad_desc;
    return 0;
}

static json_t *
port_xdp_get_xstats(const struct port *port)
{
    const struct port_xdp *dev = port_xdp_cast(port);
    json_t *x = json_object();
    struct xdp_counters c;

    sum_counters(dev, &c);
#define XDP_COUNTER_JSON(NAME, KIND, DESC) \
    json_object_set_new(x, #NAME, json_integer(c.NAME));
    XDP_KERNEL_COUNTERS(XDP_COUNTER_JSON)
    XDP_PORT_COUNTERS(XDP_COUNTER_JSON)
#undef XDP_COUNTER_JSON
    /* In native mode a frame XDP cannot hand to a socket (no fill frame,
     * a full receive ring, too long) fails the driver's redirect, and the
     * drivers that have native XDP (veth, virtio_net) count it in the
     * interface's rx_dropped as well: said here, so that a reader of both
     * (gfp-ctl stats) counts it once, as the port's. */
    json_object_set_new(x, "iface_rx_dropped", json_integer(
                            dev->native ? c.rx_dropped + c.rx_ring_full
                                        : 0));
    json_object_set_new(x, "xdp_mode",
                        json_string(dev->native ? "native" : "generic"));
    json_object_set_new(x, "xdp_bind",
                        json_string(dev->zero_copy ? "zero-copy" : "copy"));
    json_object_set_new(x, "umem", json_string(
                            share_peer(dev) ? "shared with its pair"
                                            : "its own"));
    return x;
}

/* The interface's MTU as configure found it: frames longer than it plus a
 * header (and a VLAN tag) are not for this port to send. */
static int
port_xdp_get_mtu(const struct port *port, unsigned *mtu)
{
    struct port_xdp *dev = port_xdp_cast(port);

    if (!dev->n_queues) {
        return -EAGAIN;
    }
    *mtu = dev->if_mtu;
    return 0;
}

const struct port_class port_xdp_class = {
    .type = "xdp",
    .open = port_xdp_open,
    .close = port_xdp_close,
    .configure = port_xdp_configure,
    .start = port_xdp_start,
    .stop = port_xdp_stop,
    .rx_quiesce = port_xdp_rx_quiesce,
    .share = port_xdp_share,
    .queue = port_xdp_queue,
    .rx_wait_fd = port_xdp_rx_wait_fd,
    .get_mac = port_netdev_get_mac,
    .get_link = port_netdev_get_link,
    .get_mtu = port_xdp_get_mtu,
    .get_dev_stats = port_xdp_get_dev_stats,
    .get_xstats = port_xdp_get_xstats,
};
