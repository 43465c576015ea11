/* libFuzzer target: the TPACKET_V3 receive path of lib/tpacket.c, on
 * blocks as a hostile or buggy kernel could write them.
 *
 * The input is one control byte and the blocks' bytes.  The control byte
 * gives the number of blocks in the ring (bits 0-1, plus one) and the
 * burst size (bits 2-7, plus one); the rest is cut into that many blocks
 * of equal size.  Each input is walked twice:
 *
 *   - by tpacket_cursor_init() and tpacket_cursor_next() over the bytes as
 *     they are, in a buffer of exactly their size;
 *   - by tpacket_rx_burst() and tpacket_rx_done() over a ring made of the
 *     blocks, each handed to user space, which also puts stripped VLAN
 *     tags back (vlan_restore()).
 *
 * Beyond what ASan and UBSan see, every frame handed out must lie inside
 * its block, behind the block descriptor, and every frame the ring walked
 * must be counted once: received, truncated or bad.
 *
 * The ring needs the library's private struct tpacket, without a socket:
 * this file includes lib/tpacket.c and lib/tpacket-tx.c rather than a hook
 * in the library. */
#include "tpacket.c"
#include "tpacket-tx.c"

#include <inttypes.h>
#include <stdio.h>

#include "fuzz.h"

#define MAX_BLOCKS 4

static void
check_frame(const struct tpacket_pkt *pkt, const uint8_t *block,
            uint32_t size, bool restored)
{
    const uint8_t *start = block + sizeof(struct tpacket_block_desc);
    const uint8_t *end = block + size;

    if (pkt->data < start || pkt->data > end
        || pkt->len > (size_t) (end - pkt->data)) {
        fuzz_fail("frame of %"PRIu32" bytes at offset %td outside its "
                  "block of %"PRIu32" bytes", pkt->len, pkt->data - block,
                  size);
    }
    if (restored && pkt->len < 16) {
        fuzz_fail("frame of %"PRIu32" bytes with a VLAN tag put back",
                  pkt->len);
    }
}

/* Whether frame 'i' of a burst shares bytes with another: a crafted
 * block may chain frames into each other, and then putting one frame's
 * VLAN tag back may change another's bytes (inside the block, harmless
 * to memory; the kernel never writes such a block). */
static bool
overlaps(const struct tpacket_pkt *pkts, unsigned n, unsigned i)
{
    for (unsigned j = 0; j < n; j++) {
        if (j != i && pkts[j].data < pkts[i].data + pkts[i].len
            && pkts[i].data < pkts[j].data + pkts[j].len) {
            return true;
        }
    }
    return false;
}

/* The walk of one block through the API that tests and fuzzers use. */
static void
walk_cursor(const uint8_t *data, size_t size)
{
    uint8_t *block = malloc(size ? size : 1);
    struct tpacket_cursor c;
    struct tpacket_pkt pkt;
    uint64_t n = 0, claimed;
    int ret;

    if (!block) {
        fuzz_fail("out of memory");
    }
    memcpy(block, data, size);
    if (!tpacket_cursor_init(&c, block, size)) {
        claimed = c.left;
        while ((ret = tpacket_cursor_next(&c, &pkt)) != 0) {
            if (ret == 1) {
                check_frame(&pkt, block, size, false);
            } else if (ret != -EMSGSIZE && ret != -EINVAL) {
                fuzz_fail("tpacket_cursor_next() returned %d", ret);
            }
            /* At most one result a frame the block claims, plus one for
             * the broken link that ends the walk. */
            if (++n > claimed + 1) {
                fuzz_fail("walk of %"PRIu64" frames does not end",
                          claimed);
            }
        }
    }
    free(block);
}

/* The receive path over a ring of 'n_blocks' blocks of 'block_size'. */
static void
walk_ring(const uint8_t *data, uint32_t block_size, uint32_t n_blocks,
          unsigned burst)
{
    struct tpacket_pkt pkts[GFP_BURST_MAX];
    struct tpacket_rx_counters rx;
    struct tpacket_tx_counters tx;
    struct tpacket t;
    uint64_t received = 0;
    uint64_t claimed = 0;

    memset(&t, 0, sizeof t);
    memset(&rx, 0, sizeof rx);
    memset(&tx, 0, sizeof tx);
    t.fd = -1;
    t.rx_stats = &rx;
    t.tx_stats = &tx;
    t.geom.rx_block_size = block_size;
    t.geom.rx_blocks = n_blocks;
    /* Blocks at 8-byte boundaries, as the kernel's are at pages. */
    t.map = aligned_alloc(8, (size_t) block_size * n_blocks);
    if (!t.map) {
        fuzz_fail("out of memory");
    }
    memcpy(t.map, data, (size_t) block_size * n_blocks);
    for (uint32_t i = 0; i < n_blocks; i++) {
        struct tpacket_block_desc *bd = rx_block(&t, i);

        bd->hdr.bh1.block_status |= TP_STATUS_USER;
        claimed += bd->hdr.bh1.num_pkts;
    }

    /* Each block goes back to the kernel once walked: the ring ends
     * empty, and a block must never be walked twice. */
    for (unsigned round = 0; ; round++) {
        unsigned n = tpacket_rx_burst(&t, pkts, burst);

        if (n > burst) {
            fuzz_fail("burst of %u returned %u frames", burst, n);
        }
        for (unsigned i = 0; i < n; i++) {
            /* A frame starts behind its block's descriptor: the byte
             * before it is in its block even if the frame is empty and
             * ends the block. */
            size_t off = pkts[i].data - 1 - t.map;
            uint32_t b = off / block_size;

            check_frame(&pkts[i], t.map + (size_t) b * block_size,
                        block_size, pkts[i].vlan);
            if (pkts[i].vlan && !overlaps(pkts, n, i)
                && (pkts[i].data[12] != pkts[i].vlan_tpid >> 8
                    || pkts[i].data[13] != (pkts[i].vlan_tpid & 0xff)
                    || pkts[i].data[14] != pkts[i].vlan_tci >> 8
                    || pkts[i].data[15] != (pkts[i].vlan_tci & 0xff))) {
                fuzz_fail("VLAN tag %04x:%04x not put back in place",
                          pkts[i].vlan_tpid, pkts[i].vlan_tci);
            }
        }
        received += n;
        tpacket_rx_done(&t);
        if (!n && !t.rx_walking) {
            break;
        }
        if (round > claimed + n_blocks + 1) {
            fuzz_fail("ring walk does not end");
        }
    }
    if (rx.packets != received) {
        fuzz_fail("%"PRIu64" frames received, %"PRIu64" counted",
                  received, rx.packets);
    }
    if (rx.packets + rx.truncated > claimed) {
        fuzz_fail("%"PRIu64" frames received or truncated, blocks held "
                  "%"PRIu64, rx.packets + rx.truncated,
                  claimed);
    }
    for (uint32_t i = 0; i < n_blocks; i++) {
        if (rx_block(&t, i)->hdr.bh1.block_status != TP_STATUS_KERNEL) {
            fuzz_fail("block %"PRIu32" not given back", i);
        }
    }
    free(t.map);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t n_blocks, block_size;
    unsigned burst;

    if (size < 1) {
        return 0;
    }
    n_blocks = (data[0] & 3) + 1;
    burst = (data[0] >> 2) + 1;
    data++;
    size--;

    walk_cursor(data, size);

    /* The kernel's blocks are never shorter than their descriptor. */
    block_size = (size / n_blocks) & ~UINT32_C(7);
    if (block_size >= sizeof(struct tpacket_block_desc)) {
        walk_ring(data, block_size, n_blocks, burst);
    }
    return 0;
}
