/* macswap: exchanges the destination and source MAC addresses. */
#include <config.h>

#include <string.h>

#include "fwd-engine.h"

/* Exchanges the first two 6-byte fields at 'eth'. */
static inline void
swap_macs(uint8_t *eth)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Bytes 0-7 and 8-11 in two registers: the destination is the low 48
     * bits of 'lo', the source its top 16 and all of 'hi'.  Two loads and
     * two stores, no trip through the stack. */
    uint64_t lo, dst, src;
    uint32_t hi;

    memcpy(&lo, eth, sizeof lo);
    memcpy(&hi, eth + 8, sizeof hi);
    dst = lo & UINT64_C(0xffffffffffff);
    src = (lo >> 48) | ((uint64_t) hi << 16);
    lo = src | (dst << 48);
    hi = (uint32_t) (dst >> 16);
    memcpy(eth, &lo, sizeof lo);
    memcpy(eth + 8, &hi, sizeof hi);
#else
    uint8_t tmp[GFP_ETH_ALEN];

    memcpy(tmp, eth, GFP_ETH_ALEN);
    memcpy(eth, eth + GFP_ETH_ALEN, GFP_ETH_ALEN);
    memcpy(eth + GFP_ETH_ALEN, tmp, GFP_ETH_ALEN);
#endif
}

static void
macswap_fwd(const struct fwd_stream *s, struct pkt_batch *b)
{
    const uint16_t n = b->n;

    fwd_prefetch_headers(b, 0, FWD_PREFETCH_AHEAD);
    for (uint16_t i = 0; i < n; i++) {
        fwd_prefetch_ahead(b, i, n);
        swap_macs(b->data[i]);
    }
}

const struct fwd_engine fwd_macswap_engine = {
    .name = "macswap",
    .help = "swap destination and source MAC addresses",
    .fwd = macswap_fwd,
};
