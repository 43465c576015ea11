/* macswap: exchanges the destination and source MAC addresses. */
#include <config.h>

#include <string.h>

#include "fwd-engine.h"

static void
macswap_fwd(const struct fwd_stream *s, struct pkt_batch *b)
{
    for (uint16_t i = 0; i < b->n; i++) {
        uint8_t *eth = b->data[i];
        uint8_t tmp[GFP_ETH_ALEN];

        if (i + 2 < b->n) {
            __builtin_prefetch(b->data[i + 2], 1);
        }
        memcpy(tmp, eth, GFP_ETH_ALEN);
        memcpy(eth, eth + GFP_ETH_ALEN, GFP_ETH_ALEN);
        memcpy(eth + GFP_ETH_ALEN, tmp, GFP_ETH_ALEN);
    }
}

const struct fwd_engine fwd_macswap_engine = {
    .name = "macswap",
    .help = "swap destination and source MAC addresses",
    .fwd = macswap_fwd,
};
