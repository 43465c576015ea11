/* What the modes whose ports are kernel interfaces (the 'ifaces' setting)
 * polled by plain threads share: PacketMMAP (mode-mmap.c) and AF_XDP
 * (mode-xdp.c).  Each such mode names these in its class and adds its own
 * port backend. */
#ifndef GFP_GUEST_MODE_IFACES_H
#define GFP_GUEST_MODE_IFACES_H 1

#include "mode.h"

struct port_class;

unsigned mode_ifaces_port_count(const struct config *);
bool mode_ifaces_port_exists(const struct config *, unsigned id);

/* 0 if port 'id''s interface exists, else -EINVAL with one line. */
int mode_ifaces_port_check(const struct config *, unsigned id,
                           char err[CONFIG_ERR_LEN]);

/* Opens port 'id''s interface with 'class'; 'what' names the kind of port
 * in an error ("a PacketMMAP port"). */
int mode_ifaces_port_open(const struct port_class *, const char *what,
                          const struct config *, unsigned id,
                          struct port **portp, char err[CONFIG_ERR_LEN]);

unsigned mode_ifaces_n_workers(const struct config *);
void mode_ifaces_worker_ids(unsigned *ids, unsigned n);
int mode_ifaces_worker_cpu(unsigned id);
int mode_ifaces_launch(struct dp_mode_worker *, const cpu_set_t *);
void mode_ifaces_join(struct dp_mode_worker *);

/* The class members above, for a class's initializer. */
#define MODE_IFACES_MEMBERS                             \
    .worker_kind = "thread",                            \
    .port_count = mode_ifaces_port_count,               \
    .port_exists = mode_ifaces_port_exists,             \
    .ports_from = "ifaces names",                       \
    .ports_noun = "interfaces",                         \
    .odd_ports_hint = "or give --pairs",                \
    .n_workers = mode_ifaces_n_workers,                 \
    .worker_ids = mode_ifaces_worker_ids,               \
    .no_worker_error = "no worker thread",              \
    .worker_cpu = mode_ifaces_worker_cpu,               \
    .launch = mode_ifaces_launch,                       \
    .join = mode_ifaces_join

#endif /* mode-ifaces.h */
