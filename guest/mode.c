#include <config.h>
#include "mode.h"

#include <stddef.h>

static const struct dp_mode_class *const classes[GFP_N_MODES] = {
#define GFP_MODE_CLASS_ROW(ENUM, NAME, PORTS, MEANING) \
    [GFP_MODE_##ENUM] = &mode_##NAME##_class,
    GFP_MODES(GFP_MODE_CLASS_ROW)
#undef GFP_MODE_CLASS_ROW
};

const struct dp_mode_class *
dp_mode_class(enum gfp_mode mode)
{
    return (unsigned) mode < GFP_N_MODES ? classes[mode] : NULL;
}
