#include <config.h>

#include "gfp-mode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    const char *meaning;
} modes[GFP_N_MODES] = {
#define GFP_MODE_ROW(ENUM, NAME, MEANING) \
    [GFP_MODE_##ENUM] = { NAME, MEANING },
    GFP_MODES(GFP_MODE_ROW)
#undef GFP_MODE_ROW
};

const char *
gfp_mode_name(enum gfp_mode mode)
{
    return (unsigned) mode < GFP_N_MODES ? modes[mode].name : "?";
}

const char *
gfp_mode_meaning(enum gfp_mode mode)
{
    return (unsigned) mode < GFP_N_MODES ? modes[mode].meaning : "?";
}

int
gfp_mode_from_name(const char *name, enum gfp_mode *mode)
{
    for (int i = 0; i < GFP_N_MODES; i++) {
        if (!strcmp(name, modes[i].name)) {
            *mode = i;
            return 0;
        }
    }
    return -EINVAL;
}

char *
gfp_mode_choices(char buf[GFP_MODE_CHOICES_LEN])
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < GFP_N_MODES; i++) {
        const char *sep = !i ? "" : i == GFP_N_MODES - 1 ? " or " : ", ";

        len += snprintf(buf + len, GFP_MODE_CHOICES_LEN - len, "%s%s", sep,
                        modes[i].name);
        if (len >= GFP_MODE_CHOICES_LEN) {
            break;
        }
    }
    return buf;
}
