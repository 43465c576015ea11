/* libFuzzer target: gfp-fwd's configuration (lib/gfp-config.c).
 *
 * Each input is used twice:
 *
 *   - as a configuration file, read by config_load_file();
 *   - as one setting: the bytes up to the first newline are the key, the
 *     rest the value, given to config_set() as the command line and the
 *     control socket give them.
 *
 * Both are followed by config_validate().  Beyond what ASan and UBSan see,
 * every failure must come with a one-line message. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gfp-config.h"

static void
check_config(const struct config *cfg)
{
    char err[CONFIG_ERR_LEN];

    memset(err, 0, sizeof err);
    if (config_validate(cfg, err)) {
        fuzz_check_err("config_validate", err, sizeof err);
    }
    if (cfg->n_ifaces > CONFIG_MAX_PORTS || cfg->n_pairs > CONFIG_MAX_PORTS) {
        fuzz_fail("%u interfaces, %u pairs", cfg->n_ifaces, cfg->n_pairs);
    }
    if (!memchr(cfg->engine, '\0', sizeof cfg->engine)
        || !memchr(cfg->stats_file, '\0', sizeof cfg->stats_file)
        || !memchr(cfg->ctl_socket, '\0', sizeof cfg->ctl_socket)) {
        fuzz_fail("a string setting is not NUL-terminated");
    }
    for (unsigned i = 0; i < cfg->n_ifaces; i++) {
        if (!memchr(cfg->ifaces[i], '\0', sizeof cfg->ifaces[i])) {
            fuzz_fail("interface %u is not NUL-terminated", i);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[CONFIG_ERR_LEN];
    struct config cfg;
    char *key, *value;

    config_init(&cfg);
    memset(err, 0, sizeof err);
    if (config_load_file(&cfg, fuzz_file(data, size), err)) {
        fuzz_check_err("config_load_file", err, sizeof err);
    }
    check_config(&cfg);

    key = fuzz_strndup(data, size);
    value = strchr(key, '\n');
    if (value) {
        *value++ = '\0';
    } else {
        value = key + strlen(key);
    }
    config_init(&cfg);
    memset(err, 0, sizeof err);
    if (config_set(&cfg, key, value, err)) {
        fuzz_check_err("config_set", err, sizeof err);
    }
    check_config(&cfg);
    free(key);
    return 0;
}
