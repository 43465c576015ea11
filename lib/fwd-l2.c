/* l2: source MAC := the output port's MAC, destination MAC := the
 * configured peer of the output port. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "fwd-engine.h"

static int
l2_init(const struct fwd_stream *s)
{
    return s->dst_mac_set ? 0 : -EINVAL;
}

static void
l2_fwd(const struct fwd_stream *s, struct pkt_batch *b)
{
    const uint16_t n = b->n;

    fwd_prefetch_headers(b, 0, FWD_PREFETCH_AHEAD);
    for (uint16_t i = 0; i < n; i++) {
        fwd_prefetch_ahead(b, i, n);
        memcpy(b->data[i], s->l2_hdr, sizeof s->l2_hdr);
    }
}

const struct fwd_engine fwd_l2_engine = {
    .name = "l2",
    .help = "rewrite MACs: source = output port, destination = its peer",
    .init = l2_init,
    .fwd = l2_fwd,
};
