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

int
dp_mode_check_env(const struct dp_mode_env *env, char err[CONFIG_ERR_LEN])
{
    for (int m = 0; m < GFP_N_MODES; m++) {
        const struct dp_mode_class *class = classes[m];
        int error = class->check_env ? class->check_env(env, err) : 0;

        if (error) {
            return error;
        }
    }
    return 0;
}
