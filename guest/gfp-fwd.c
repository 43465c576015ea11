/* gfp-fwd: the guest forwarder.
 *
 *     gfp-fwd [EAL options] -- [gfp-fwd options]
 *
 * Every gfp-fwd option is checked before the EAL starts, so a bad one costs
 * nothing and starts nothing. */
#include <config.h>

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "dataplane.h"
#include "fwd-telemetry.h"
#include "gfp-config.h"
#include "log.h"
#include "mode.h"
#include "mode-switch.h"

LOG_MODULE(gfp_fwd);

#define EXIT_USAGE 2
#define FWD_MAX_OPTIONS 32          /* Settings and gfp-fwd's own. */

static volatile sig_atomic_t exit_signal;

static void
on_signal(int sig)
{
    exit_signal = sig;
}

/* gfp-fwd's own options, beside the settings of config_options(). */
static const struct config_option program_options[] = {
    { .name = "config", .short_name = 'c', .arg = "FILE",
      .help = "read settings from FILE (key = value)" },
    { .name = "log-level", .arg = "LEVEL", .help = "err, warn, info or dbg",
      .default_text = "info" },
    { .name = "help", .short_name = 'h', .help = "this help" },
    { .name = "version", .short_name = 'V', .help = "print the version" },
};

static void
usage(void)
{
    const struct config_option *opts;
    size_t n;

    printf("gfp-fwd: the gfp guest forwarder\n"
           "usage: gfp-fwd [EAL options] -- [options]\n"
           "       gfp-fwd -- --mode mmap --ifaces IF,IF[,...] [options]\n");
    opts = config_options(&n);
    for (size_t i = 0; i < n; i++) {
        if (opts[i].section) {
            printf("\n%s:\n", opts[i].section);
        }
        if (!opts[i].file_only) {
            config_option_usage(stdout, &opts[i]);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(program_options); i++) {
        config_option_usage(stdout, &program_options[i]);
    }
    printf("\nCommand-line options override the config file.  See "
           "gfp-fwd(8).\n");
}

/* getopt_long's tables, made from config_options() and program_options:
 * an option's value is its short name, or 256 + its index in 'opts'. */
struct fwd_getopt {
    const struct config_option *opts[FWD_MAX_OPTIONS];
    struct option longs[FWD_MAX_OPTIONS + 1];
    char shorts[3 + 2 * FWD_MAX_OPTIONS];
    size_t n;
};

static void
fwd_getopt_add(struct fwd_getopt *g, const struct config_option *opt)
{
    size_t len = strlen(g->shorts);
    bool arg = opt->arg || opt->choices;

    assert(g->n < FWD_MAX_OPTIONS);
    g->opts[g->n] = opt;
    g->longs[g->n] = (struct option) {
        opt->name, arg ? required_argument : no_argument, NULL,
        opt->short_name ? opt->short_name : 256 + (int) g->n,
    };
    if (opt->short_name) {
        snprintf(g->shorts + len, sizeof g->shorts - len, "%c%s",
                 opt->short_name, arg ? ":" : "");
    }
    g->n++;
}

static void
fwd_getopt_init(struct fwd_getopt *g)
{
    const struct config_option *opts;
    size_t n;

    memset(g, 0, sizeof *g);
    snprintf(g->shorts, sizeof g->shorts, "+:");
    opts = config_options(&n);
    for (size_t i = 0; i < n; i++) {
        if (!opts[i].file_only) {
            fwd_getopt_add(g, &opts[i]);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(program_options); i++) {
        fwd_getopt_add(g, &program_options[i]);
    }
}

/* The option getopt_long() returned as 'val'. */
static const struct config_option *
fwd_getopt_find(const struct fwd_getopt *g, int val)
{
    for (size_t i = 0; i < g->n; i++) {
        if (g->longs[i].val == val) {
            return g->opts[i];
        }
    }
    return NULL;
}

static void __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "gfp-fwd: ");
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, " (see gfp-fwd --help)\n");
    exit(EXIT_USAGE);
}

/* The options that are gfp-fwd's, not settings; exits when done. */
static void
program_option(const char *name, const char *value)
{
    enum log_level level;

    if (!strcmp(name, "log-level")) {
        if (log_parse_level(value, &level)) {
            usage_error("invalid value '%s' for --log-level: expected err, "
                        "warn, info or dbg", value);
        }
        log_set_level(level);
    } else if (!strcmp(name, "help")) {
        usage();
        exit(EXIT_SUCCESS);
    } else if (!strcmp(name, "version")) {
        printf("gfp-fwd (gfp) %s\n", PACKAGE_VERSION);
        exit(EXIT_SUCCESS);
    }
}

/* Parses gfp-fwd's own options into 'cfg'; exits on error or on --help. */
static void
parse_options(int argc, char *argv[], struct config *cfg)
{
    char err[CONFIG_ERR_LEN];
    struct fwd_getopt g;
    int opt;

    /* The config file first, so that the command line overrides it. */
    fwd_getopt_init(&g);
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, g.shorts, g.longs, NULL)) != -1) {
        if (opt == 'c' && config_load_file(cfg, optarg, err)) {
            fprintf(stderr, "gfp-fwd: %s\n", err);
            exit(EXIT_USAGE);
        }
    }

    optind = 1;
    while ((opt = getopt_long(argc, argv, g.shorts, g.longs, NULL)) != -1) {
        const struct config_option *o = fwd_getopt_find(&g, opt);

        if (opt == ':') {
            usage_error("option '%s' needs a value", argv[optind - 1]);
        } else if (!o) {
            usage_error("unknown option '%s'", argv[optind - 1]);
        } else if (!o->set) {
            program_option(o->name, optarg);
        } else if (o->set(cfg, o, optarg, err)) {
            fprintf(stderr, "gfp-fwd: --%s: %s\n", o->name, err);
            exit(EXIT_USAGE);
        }
    }
    if (optind < argc) {
        usage_error("unexpected argument '%s'", argv[optind]);
    }
    if (config_validate(cfg, err)) {
        fprintf(stderr, "gfp-fwd: %s\n", err);
        exit(EXIT_USAGE);
    }
}

static int
write_stats(const char *path, json_t *stats)
{
    char *text = json_dumps(stats, JSON_INDENT(2) | JSON_SORT_KEYS);
    int error;

    if (!text) {
        LOG_ERR("cannot write counters to %s: out of memory", path);
        return -ENOMEM;
    }
    error = write_file_replace(path, text, strlen(text));
    free(text);
    if (error) {
        LOG_ERR("cannot write counters to %s: %s", path, strerror(-error));
    }
    return error;
}

/* --ctl-group: a group name or number. */
static int
resolve_group(const char *name, gid_t *gid, char err[CTL_ERR_LEN])
{
    unsigned long long v;
    struct group *gr;

    if (!parse_uint(name, 0, UINT32_MAX - 1, &v)) {
        *gid = v;
        return 0;
    }
    errno = 0;
    gr = getgrnam(name);
    if (!gr) {
        snprintf(err, CTL_ERR_LEN, "ctl-group: no group named '%s'%s%s",
                 name, errno ? ": " : "", errno ? strerror(errno) : "");
        return -ENOENT;
    }
    *gid = gr->gr_gid;
    return 0;
}

/* Everything the control socket's commands act on. */
struct fwd_ctx {
    struct mode_switch *ms;
    const char *config_file;    /* For "mode --persist"; "" = none. */
    bool quit;
};

/* After a failed switch whose old mode did not come back either, there is
 * no data plane until gfp-fwd exits. */
static bool
no_dataplane(const struct fwd_ctx *ctx, char err[CTL_ERR_LEN])
{
    if (!mode_switch_dataplane(ctx->ms)) {
        snprintf(err, CTL_ERR_LEN, "not forwarding: a mode switch failed "
                 "and gfp-fwd is stopping");
        return true;
    }
    return false;
}

static json_t *
cmd_stats(void *ctx_, unsigned argc, const char *argv[],
          char err[CTL_ERR_LEN])
{
    struct fwd_ctx *ctx = ctx_;

    return no_dataplane(ctx, err) ? NULL : mode_switch_stats(ctx->ms);
}

static json_t *
cmd_reset_stats(void *ctx_, unsigned argc, const char *argv[],
                char err[CTL_ERR_LEN])
{
    struct fwd_ctx *ctx = ctx_;

    if (no_dataplane(ctx, err)) {
        return NULL;
    }
    mode_switch_lock(ctx->ms);
    dataplane_reset_stats(mode_switch_dataplane(ctx->ms));
    mode_switch_unlock(ctx->ms);
    LOG_INFO("counters reset");
    return json_null();
}

static json_t *
cmd_ports(void *ctx_, unsigned argc, const char *argv[],
          char err[CTL_ERR_LEN])
{
    struct fwd_ctx *ctx = ctx_;
    struct dataplane *dp;

    if (no_dataplane(ctx, err)) {
        return NULL;
    }
    dp = mode_switch_dataplane(ctx->ms);
    return json_pack("{s:s, s:o}", "mode", gfp_mode_name(dataplane_mode(dp)),
                     "ports", dataplane_ports_json(dp));
}

/* "[--persist] [dpdk|mmap|xdp]", from the mode table (open_ctl() fills it
 * in). */
static char mode_usage[GFP_MODE_CHOICES_LEN + 16];

/* "mode [--persist] [NAME]": the mode, after a switch to NAME; with
 * --persist also written to the config file, for the next start. */
static json_t *
cmd_mode(void *ctx_, unsigned argc, const char *argv[],
         char err[CTL_ERR_LEN])
{
    struct fwd_ctx *ctx = ctx_;
    const char *name = NULL;
    bool persist = false;
    json_t *reply;
    enum gfp_mode to;
    char echo[40];

    if (no_dataplane(ctx, err)) {
        return NULL;
    }
    for (unsigned i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--persist") && !persist) {
            persist = true;
        } else if (!name && argv[i][0] != '-') {
            name = argv[i];
        } else {
            snprintf(err, CTL_ERR_LEN, "expected mode %s", mode_usage);
            return NULL;
        }
    }
    if (persist && !ctx->config_file[0]) {
        snprintf(err, CTL_ERR_LEN, "--persist: gfp-fwd was started without "
                 "a config file (--config) to write the mode to");
        return NULL;
    }
    if (name) {
        if (gfp_mode_from_name(name, &to)) {
            char choices[GFP_MODE_CHOICES_LEN];

            snprintf(err, CTL_ERR_LEN, "invalid mode '%s': expected %s",
                     ctl_sanitize(name, echo, sizeof echo),
                     gfp_mode_choices(choices));
            return NULL;
        }
        if (mode_switch_to(ctx->ms, to, err)) {
            ctx->quit |= mode_switch_broken(ctx->ms);
            return NULL;
        }
    }
    to = dataplane_mode(mode_switch_dataplane(ctx->ms));
    if (persist) {
        char cerr[CONFIG_ERR_LEN];

        if (config_persist_mode(ctx->config_file, to, cerr)) {
            snprintf(err, CTL_ERR_LEN, "in mode %s, but not persisted: %.200s",
                     gfp_mode_name(to), cerr);
            return NULL;
        }
        LOG_INFO("mode %s written to %s", gfp_mode_name(to),
                 ctx->config_file);
    }
    reply = json_pack("{s:s, s:i, s:f}", "mode", gfp_mode_name(to),
                      "switches", (int) mode_switch_count(ctx->ms),
                      "last_switch_gap_ms", mode_switch_gap_ms(ctx->ms));
    if (persist) {
        json_object_set_new(reply, "persisted", json_string(
                                ctx->config_file));
    }
    return reply;
}

static json_t *
cmd_quit(void *ctx_, unsigned argc, const char *argv[],
         char err[CTL_ERR_LEN])
{
    struct fwd_ctx *ctx = ctx_;

    ctx->quit = true;
    LOG_INFO("quit requested on the control socket");
    return json_null();
}

static json_t *
cmd_version(void *ctx_, unsigned argc, const char *argv[],
            char err[CTL_ERR_LEN])
{
    return json_pack("{s:s, s:s}", "program", "gfp-fwd", "version",
                     PACKAGE_VERSION);
}


static const struct ctl_command commands[] = {
    { "stats", "", "all counters, as gfp-fwd prints them at exit", 0, 0,
      cmd_stats },
    { "reset-stats", "", "count from zero again", 0, 0, cmd_reset_stats },
    { "ports", "", "the ports of the current mode", 0, 0, cmd_ports },
    { "mode", mode_usage, "show the packet I/O mode, or switch it live "
      "(--persist: also in the config file)", 0, 2, cmd_mode },
    { "quit", "", "stop forwarding and exit, as on SIGTERM", 0, 0,
      cmd_quit },
    { "version", "", "gfp-fwd's version", 0, 0, cmd_version },
};

/* Splits the command line at "--" (EAL options before, ours after) and
 * parses it into 'cfg' and 'env'.  Returns -1 to go on, or the status to
 * exit with. */
static int
parse_command_line(int argc, char *argv[], struct config *cfg,
                   struct dp_mode_env *env)
{
    char err[CONFIG_ERR_LEN];
    int eal_argc = argc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            eal_argc = i;
            break;
        }
    }
    for (int i = 1; i < eal_argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage();
            return EXIT_SUCCESS;
        } else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
            printf("gfp-fwd (gfp) %s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        }
    }
    *env = (struct dp_mode_env) { .argc = eal_argc, .argv = argv,
                                  .cfg = cfg };

    config_init(cfg);
    if (argc > eal_argc) {
        /* getopt wants argv[0]; the "--" stands in for it. */
        parse_options(argc - eal_argc, &argv[eal_argc], cfg);
    }
    if (gfp_mode_ports(cfg->mode) != GFP_MODE_PORTS_EAL && eal_argc > 1
        && !cfg->ctl_socket[0]) {
        char eal_modes[GFP_MODE_CHOICES_LEN];

        fprintf(stderr, "gfp-fwd: '%s': mode %s starts no EAL, so it takes "
                "EAL options only for a later switch to mode %s, which "
                "needs --ctl-socket\n", argv[1], gfp_mode_name(cfg->mode),
                gfp_mode_choices_for(GFP_MODE_PORTS_EAL, eal_modes));
        return EXIT_USAGE;
    }
    /* Each mode's own options, whichever mode starts (DPDK mode: a
     * vhost-user socket a live guest listens on). */
    if (dp_mode_check_env(env, err)) {
        fprintf(stderr, "gfp-fwd: %s\n", err);
        return EXIT_USAGE;
    }
    return -1;
}

/* Before the EAL: a signal during set-up still ends in a clean stop.
 * SIGHUP (the terminal went away) stops as SIGTERM does, with the counters
 * written and the socket removed, unless it was ignored when gfp-fwd
 * started (nohup); a reader that went away (SIGPIPE) is an error on that
 * write, not the end of forwarding. */
static void
set_signals(void)
{
    struct sigaction sa = { .sa_handler = on_signal }, old;

    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (!sigaction(SIGHUP, NULL, &old) && old.sa_handler != SIG_IGN) {
        sigaction(SIGHUP, &sa, NULL);
    }
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

static int
open_ctl(const struct config *cfg, struct fwd_ctx *ctx,
         struct ctl_server **ctlp)
{
    char err[CTL_ERR_LEN], modes[GFP_MODE_CHOICES_LEN];
    gid_t group = 0;

    snprintf(mode_usage, sizeof mode_usage, "[--persist] [%s]",
             gfp_mode_alternatives(modes));
    if ((cfg->ctl_group[0] && resolve_group(cfg->ctl_group, &group, err))
        || ctl_server_create(cfg->ctl_socket, commands,
                             ARRAY_SIZE(commands), ctx, ctlp, err)
        || (cfg->ctl_group[0] && ctl_server_set_group(*ctlp, group, err))) {
        fprintf(stderr, "gfp-fwd: %s\n", err);
        return -1;
    }
    ctl_server_set_idle_timeout(*ctlp, cfg->ctl_idle_timeout);
    return 0;
}

/* Serves the control socket and prints the rates until a signal or a
 * quit. */
static void
run(const struct config *cfg, struct fwd_ctx *ctx, struct ctl_server *ctl)
{
    time_t next_print = time(NULL) + cfg->stats_period;

    while (!exit_signal && !ctx->quit) {
        if (ctl) {
            ctl_server_run(ctl, 50);
        } else {
            struct timespec pause = { 0, 50 * 1000 * 1000 };

            nanosleep(&pause, NULL);
        }
        if (cfg->stats_period && time(NULL) >= next_print) {
            mode_switch_lock(ctx->ms);
            dataplane_print_rates(mode_switch_dataplane(ctx->ms));
            mode_switch_unlock(ctx->ms);
            next_print += cfg->stats_period;
        }
    }
    if (exit_signal) {
        LOG_INFO("signal %d: stopping", (int) exit_signal);
    }
}

/* Stops forwarding and writes the final counters to --stats-file or
 * stdout.  Returns the exit status. */
static int
stop(const struct config *cfg, struct fwd_ctx *ctx)
{
    json_t *stats = mode_switch_stop(ctx->ms);
    int status = EXIT_SUCCESS;

    if (!stats) {
        return EXIT_FAILURE;
    } else if (cfg->stats_file[0]) {
        status = write_stats(cfg->stats_file, stats) ? EXIT_FAILURE
                                                      : EXIT_SUCCESS;
    } else {
        json_dumpf(stats, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
        if (fflush(stdout) || ferror(stdout)) {
            LOG_ERR("cannot write the counters to standard output: %s",
                    strerror(errno));
            status = EXIT_FAILURE;
        }
    }
    json_decref(stats);
    return mode_switch_broken(ctx->ms) ? EXIT_FAILURE : status;
}

int
main(int argc, char *argv[])
{
    struct ctl_server *ctl = NULL;
    struct fwd_ctx ctx = { .ms = NULL };
    char err[CONFIG_ERR_LEN] = "";
    struct dp_mode_env env;
    struct config cfg;
    int status, error;

    status = parse_command_line(argc, argv, &cfg, &env);
    if (status >= 0) {
        return status;
    }
    set_signals();
    ctx.config_file = cfg.config_file;
    ctx.ms = mode_switch_create(&cfg, &env);
    if (!ctx.ms) {
        fprintf(stderr, "gfp-fwd: out of memory\n");
        return EXIT_FAILURE;
    }
    if (cfg.ctl_socket[0] && open_ctl(&cfg, &ctx, &ctl)) {
        status = EXIT_USAGE;
        goto out;
    }
    fwd_telemetry_attach(ctx.ms);
    error = mode_switch_start(ctx.ms, err);
    if (error) {
        fprintf(stderr, "gfp-fwd: %s\n", err[0] ? err : strerror(-error));
        status = error == -EINVAL || error == -ENOTSUP ? EXIT_USAGE
                                                        : EXIT_FAILURE;
        goto out;
    }
    LOG_INFO("forwarding; mode %s; stop with SIGINT or SIGTERM%s%s",
             gfp_mode_name(cfg.mode),
             ctl ? ", or quit on the control socket " : "",
             ctl ? cfg.ctl_socket : "");
    run(&cfg, &ctx, ctl);
    status = stop(&cfg, &ctx);

out:
    fwd_telemetry_attach(NULL);
    ctl_server_destroy(ctl);
    mode_switch_destroy(ctx.ms);
    return status;
}
