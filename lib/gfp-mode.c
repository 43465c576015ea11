#include <config.h>

#include "gfp-mode.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    enum gfp_mode_ports ports;
    const char *meaning;
} modes[GFP_N_MODES] = {
#define GFP_MODE_ROW(ENUM, NAME, PORTS, MEANING) \
    [GFP_MODE_##ENUM] = { #NAME, GFP_MODE_PORTS_##PORTS, MEANING },
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

enum gfp_mode_ports
gfp_mode_ports(enum gfp_mode mode)
{
    return (unsigned) mode < GFP_N_MODES ? modes[mode].ports
                                         : GFP_MODE_PORTS_EAL;
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

/* 'ports' < 0: every mode.  'bar': "a|b|c", else "a, b or c". */
static char *
list_modes(int ports, bool bar, char buf[GFP_MODE_CHOICES_LEN])
{
    size_t len = 0, n = 0, k = 0;

    for (int i = 0; i < GFP_N_MODES; i++) {
        n += ports < 0 || modes[i].ports == (enum gfp_mode_ports) ports;
    }
    buf[0] = '\0';
    for (int i = 0; i < GFP_N_MODES && len < GFP_MODE_CHOICES_LEN; i++) {
        const char *sep;

        if (ports >= 0 && modes[i].ports != (enum gfp_mode_ports) ports) {
            continue;
        }
        sep = !k ? "" : bar ? "|" : k == n - 1 ? " or " : ", ";
        len += snprintf(buf + len, GFP_MODE_CHOICES_LEN - len, "%s%s", sep,
                        modes[i].name);
        k++;
    }
    return buf;
}

char *
gfp_mode_choices(char buf[GFP_MODE_CHOICES_LEN])
{
    return list_modes(-1, false, buf);
}

char *
gfp_mode_alternatives(char buf[GFP_MODE_CHOICES_LEN])
{
    return list_modes(-1, true, buf);
}

char *
gfp_mode_choices_for(enum gfp_mode_ports ports,
                     char buf[GFP_MODE_CHOICES_LEN])
{
    return list_modes(ports, false, buf);
}
