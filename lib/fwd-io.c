/* io: forwards packets untouched. */
#include <config.h>

#include "fwd-engine.h"

static void
io_fwd(const struct fwd_stream *s, struct pkt_batch *b)
{
}

const struct fwd_engine fwd_io_engine = {
    .name = "io",
    .help = "forward packets unchanged",
    .fwd = io_fwd,
};
