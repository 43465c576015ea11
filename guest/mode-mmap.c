/* PacketMMAP mode: the ports are kernel interfaces (the 'ifaces' setting)
 * read and written through TPACKET_V3 rings (lib/port-mmap.c), polled by
 * plain threads.  No EAL, no hugepages. */
#include <config.h>
#include "mode-ifaces.h"

#include "port-provider.h"

static int
mmap_port_open(const struct config *cfg, unsigned id, struct port **portp,
               char err[CONFIG_ERR_LEN])
{
    return mode_ifaces_port_open(&port_mmap_class, "a PacketMMAP port", cfg,
                                 id, portp, err);
}

const struct dp_mode_class mode_mmap_class = {
    .mode = GFP_MODE_MMAP,
    MODE_IFACES_MEMBERS,
    .parkable = false,
    .opens_quiet = false,
    .port_check = mode_ifaces_port_check,
    .port_open = mmap_port_open,
};
