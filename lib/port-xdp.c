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
 * of the output port (one copy, as between two PacketMMAP rings).  Every
 * descriptor the kernel hands over is bounds-checked against the queue's
 * slice and its frame before it is read. */
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
#include "log.h"
#include "port-netdev.h"
#include "port-provider.h"

LOG_MODULE(port_xdp);

/* Counters of one queue, as counter.h lists: C(NAME, KIND, MEANING).  The
 * kernel's come from XDP_STATISTICS (which keeps totals: read, never
 * cleared), the others are the port's own, written by the queue's worker
 * only.  Every drop here is also in the device counters
 * (port_xdp_get_dev_stats()), hence COUNTER_DROP_FOLDED. */
#define XDP_KERNEL_COUNTERS(C)                                          \
    C(rx_dropped, COUNTER_DROP_FOLDED,                                  \
      "kernel: dropped on receive (no fill buffer, or too long)")       \
    C(rx_invalid_descs, COUNTER_DROP_FOLDED,                            \
      "kernel: invalid receive descriptors")                            \
    C(tx_invalid_descs, COUNTER_DROP_FOLDED,                            \
      "kernel: transmit descriptors refused as invalid")                \
    C(rx_ring_full, COUNTER_DROP_FOLDED,                                \
      "kernel: dropped, the receive ring was full")                     \
    C(rx_fill_ring_empty_descs, COUNTER_DROP_FOLDED,                    \
      "kernel: dropped, no frame in the fill ring")                     \
    C(tx_ring_empty_descs, COUNTER_EVENT,                               \
      "kernel: wakeups that found no frame to send")
#define XDP_PORT_COUNTERS(C)                                            \
    C(rx_bad_desc, COUNTER_DROP_FOLDED,                                 \
      "received descriptors out of bounds: dropped")                    \
    C(tx_too_big, COUNTER_DROP_FOLDED,                                  \
      "frames longer than a UMEM frame: dropped on output")             \
    C(tx_kick_errors, COUNTER_EVENT,                                    \
      "sendto() kicks that failed other than EAGAIN")                   \
    C(comp_bad_desc, COUNTER_DROP_FOLDED,                               \
      "completed addresses out of bounds: frame lost")

struct xdp_counters {
    XDP_KERNEL_COUNTERS(COUNTER_FIELD)
    XDP_PORT_COUNTERS(COUNTER_FIELD)
};

#define XDP_ADD(Q, NAME, N) counter_add(&(Q)->sw.NAME, (N))

/* One queue: its socket and four rings, and the slice of the UMEM it owns.
 * Only the worker that polls the queue touches it, but for 'sw', which the
 * control thread reads. */
struct xdp_queue {
    struct xsk_ring_cons rx;
    struct xsk_ring_prod tx;
    struct xsk_ring_prod fill;
    struct xsk_ring_cons comp;
    struct xsk_socket *xsk;
    int fd;
    uint8_t *area;              /* The port's UMEM: addresses are offsets. */
    uint64_t rx_lo, rx_hi;      /* Receive frames: [rx_lo, rx_hi). */
    uint64_t tx_lo, tx_hi;      /* Transmit frames: [tx_lo, tx_hi). */
    uint64_t *tx_free;          /* Transmit frames not in the kernel. */
    unsigned n_tx_free;
    unsigned tx_pending;        /* Submitted, not yet completed. */
    uint64_t held[2 * GFP_BURST_MAX];  /* Received, not yet refilled. */
    unsigned n_held;
    struct xdp_counters sw;     /* The XDP_PORT_COUNTERS part. */
} __attribute__((aligned(64)));

struct port_xdp {
    struct port up;
    unsigned ifindex;
    unsigned if_mtu;            /* The interface's, at configure time. */
    int map_fd, prog_fd, link_fd;
    bool native, zero_copy;
    struct xsk_umem *umem;
    uint8_t *area;
    size_t area_size;
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

/* Frees the frames of the previous bursts for the kernel to fill again. */
static void
xdp_refill(struct xdp_queue *q)
{
    uint32_t idx, n = q->n_held;

    if (!n || xsk_ring_prod__reserve(&q->fill, n, &idx) != n) {
        return;                 /* The fill ring holds all: cannot fail. */
    }
    for (uint32_t i = 0; i < n; i++) {
        *xsk_ring_prod__fill_addr(&q->fill, idx + i) = q->held[i];
    }
    xsk_ring_prod__submit(&q->fill, n);
    q->n_held = 0;
}

static uint16_t
xdp_rx_burst(void *q_, struct pkt_batch *b, uint16_t max)
{
    struct xdp_queue *q = q_;
    uint32_t idx, n;
    uint16_t k = 0;

    xdp_refill(q);
    b->bytes = 0;
    b->bad = false;
    if (max > ARRAY_SIZE(q->held) - q->n_held) {
        max = ARRAY_SIZE(q->held) - q->n_held;
    }
    n = xsk_ring_cons__peek(&q->rx, max, &idx);
    if (!n) {
        /* Zero-copy drivers may wait for a nudge to use the fill ring. */
        if (xsk_ring_prod__needs_wakeup(&q->fill)) {
            recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
        }
        b->n = 0;
        return 0;
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);
        uint64_t frame = d->addr & ~(uint64_t) (PORT_XDP_FRAME_SIZE - 1);
        bool ours = frame >= q->rx_lo && frame < q->rx_hi;

        if (__builtin_expect(!ours || (d->addr - frame) + d->len
                                      > PORT_XDP_FRAME_SIZE, 0)) {
            XDP_ADD(q, rx_bad_desc, 1);
            if (ours) {
                q->held[q->n_held++] = frame;
            }
            continue;
        }
        q->held[q->n_held++] = frame;
        b->bufs[k] = q->area + d->addr;
        pkt_batch_add(b, k, q->area + d->addr, d->len, d->len);
        k++;
    }
    xsk_ring_cons__release(&q->rx, n);
    b->n = k;
    return k;
}

/* Takes back the transmit frames the kernel has sent. */
static void
xdp_reap(struct xdp_queue *q)
{
    uint32_t idx, n = xsk_ring_cons__peek(&q->comp, q->tx_pending, &idx);

    for (uint32_t i = 0; i < n; i++) {
        uint64_t frame = *xsk_ring_cons__comp_addr(&q->comp, idx + i)
                         & ~(uint64_t) (PORT_XDP_FRAME_SIZE - 1);

        if (frame >= q->tx_lo && frame < q->tx_hi) {
            q->tx_free[q->n_tx_free++] = frame;
        } else {
            XDP_ADD(q, comp_bad_desc, 1);
        }
    }
    xsk_ring_cons__release(&q->comp, n);
    q->tx_pending -= n;
}

static void
xdp_kick(struct xdp_queue *q)
{
    if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0
        && errno != EAGAIN && errno != ENOBUFS && errno != EBUSY
        && errno != ENETDOWN) {
        XDP_ADD(q, tx_kick_errors, 1);
    }
}

static uint16_t
xdp_tx_burst(void *q_, struct pkt_batch *b, uint16_t n)
{
    struct xdp_queue *q = q_;
    uint32_t idx, room, free_descs, j = 0;
    uint16_t i;

    xdp_reap(q);
    room = n < q->n_tx_free ? n : q->n_tx_free;
    free_descs = xsk_prod_nb_free(&q->tx, room);
    room = free_descs < room ? free_descs : room;
    if (!room || xsk_ring_prod__reserve(&q->tx, room, &idx) != room) {
        if (q->tx_pending) {
            xdp_kick(q);        /* Copy mode sends, and completes, here. */
        }
        return 0;
    }
    for (i = 0; i < n && j < room; i++) {
        struct xdp_desc *d;
        uint64_t addr;

        if (__builtin_expect(b->len[i] > PORT_XDP_MAX_FRAME, 0)) {
            XDP_ADD(q, tx_too_big, 1);
            continue;
        }
        addr = q->tx_free[--q->n_tx_free];
        memcpy(q->area + addr, b->data[i], b->len[i]);
        d = xsk_ring_prod__tx_desc(&q->tx, idx + j++);
        d->addr = addr;
        d->len = b->len[i];
    }
    /* Frames dropped as too big used no descriptor: unreserve them. */
    q->tx.cached_prod -= room - j;
    xsk_ring_prod__submit(&q->tx, j);
    q->tx_pending += j;
    if (xsk_ring_prod__needs_wakeup(&q->tx)) {
        xdp_kick(q);
    }
    return i;
}

static void
xdp_free_bufs(void **bufs, uint16_t n)
{
    /* UMEM frames: back to the fill ring at the next receive. */
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

/* Undoes create_sockets(). */
static void
close_sockets(struct port_xdp *dev)
{
    for (unsigned q = 0; q < dev->n_queues; q++) {
        xsk_socket__delete(dev->qs[q].xsk);
        free(dev->qs[q].tx_free);
    }
    if (dev->umem) {
        xsk_umem__delete(dev->umem);
        dev->umem = NULL;
    }
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
    if (dev->area) {
        munmap(dev->area, dev->area_size);
        dev->area = NULL;
    }
    close_fd(&dev->link_fd);
    close_fd(&dev->prog_fd);
    close_fd(&dev->map_fd);
}

static void
port_xdp_close(struct port *port)
{
    struct port_xdp *dev = port_xdp_cast(port);

    close_all(dev);
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

/* Creates the UMEM and one socket per queue, binding them with
 * 'bind_flags'. */
static int
create_sockets(struct port_xdp *dev, const struct port_conf *conf,
               uint16_t bind_flags)
{
    unsigned per_q = dev->rx_frames + dev->tx_frames;
    struct xsk_umem_config ucfg = {
        .fill_size = dev->rx_frames,
        .comp_size = dev->tx_frames,
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
    error = xsk_umem__create(&dev->umem, dev->area, dev->area_size,
                             &dev->qs[0].fill, &dev->qs[0].comp, &ucfg);
    if (error) {
        dev->umem = NULL;
        return error;
    }
    for (unsigned q = 0; q < conf->queues; q++) {
        struct xdp_queue *xq = &dev->qs[q];

        xq->area = dev->area;
        xq->rx_lo = (uint64_t) q * per_q * PORT_XDP_FRAME_SIZE;
        xq->rx_hi = xq->rx_lo
                    + (uint64_t) dev->rx_frames * PORT_XDP_FRAME_SIZE;
        xq->tx_lo = xq->rx_hi;
        xq->tx_hi = xq->tx_lo
                    + (uint64_t) dev->tx_frames * PORT_XDP_FRAME_SIZE;
        xq->tx_free = malloc(dev->tx_frames * sizeof *xq->tx_free);
        if (!xq->tx_free) {
            return -ENOMEM;
        }
        error = xsk_socket__create_shared(&xq->xsk, dev->up.name, q,
                                          dev->umem, &xq->rx, &xq->tx,
                                          &xq->fill, &xq->comp, &scfg);
        if (error) {
            free(xq->tx_free);
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
prime_queues(struct port_xdp *dev)
{
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
        xq->n_tx_free = dev->tx_frames;
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

static int
port_xdp_configure(struct port *port, const struct port_conf *conf)
{
    struct port_xdp *dev = port_xdp_cast(port);
    struct ifreq ifr;
    int error;

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
    dev->rx_frames = 2 * conf->rxd;
    dev->tx_frames = conf->txd;
    dev->area_size = (size_t) conf->queues
                     * (dev->rx_frames + dev->tx_frames)
                     * PORT_XDP_FRAME_SIZE;
    dev->area = mmap(NULL, dev->area_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (dev->area == MAP_FAILED) {
        dev->area = NULL;
        return -errno;
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
    if (error) {
        LOG_ERR("%s: cannot create AF_XDP sockets on %u queues: %s%s",
                port->name, conf->queues, strerror(-error),
                error == -EINVAL ? " (has the interface that many receive "
                                   "queues?)" : "");
        goto error;
    }
    prime_queues(dev);
    LOG_INFO("%s (AF_XDP): %u queues, MTU %u, %s XDP, %s, one UMEM of %u "
             "receive + %u transmit frames of %u bytes per queue",
             port->name, conf->queues, conf->mtu,
             dev->native ? "native" : "generic",
             dev->zero_copy ? "zero-copy" : "copy mode", dev->rx_frames,
             dev->tx_frames, PORT_XDP_FRAME_SIZE);
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
    .queue = port_xdp_queue,
    .rx_wait_fd = port_xdp_rx_wait_fd,
    .get_mac = port_netdev_get_mac,
    .get_link = port_netdev_get_link,
    .get_mtu = port_xdp_get_mtu,
    .get_dev_stats = port_xdp_get_dev_stats,
    .get_xstats = port_xdp_get_xstats,
};
