/* gfp-ctl stats: the option table, one reading, or one a period with
 * --watch. */
#include <config.h>

#include "ctl-stats.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    OPT_DB = 256, OPT_SANDBOX, OPT_BRIDGE, OPT_NO_OVS, OPT_NETNS, OPT_JSON,
    OPT_WATCH, OPT_NO_FWD, OPT_CLEAR_PMD,
};

/* The one table of stats' options: getopt's and the usage. */
static const struct {
    struct option opt;
    const char *arg;            /* As the usage names it. */
    const char *help;
} options[] = {
    { { "db", required_argument, NULL, OPT_DB }, "DB",
      "OVS's database (default: ovs-vsctl's)" },
    { { "sandbox", required_argument, NULL, OPT_SANDBOX }, "DIR",
      "a gfp-sandbox's OVS, with its tools" },
    { { "bridge", required_argument, NULL, OPT_BRIDGE }, "BR",
      "only this bridge's interfaces" },
    { { "no-ovs", no_argument, NULL, OPT_NO_OVS }, NULL,
      "do not read OVS (a path without it)" },
    { { "netns", required_argument, NULL, OPT_NETNS }, "NS[:IF,...]",
      "the kernel links of namespace NS (all, or these),\n"
      "                       repeatable" },
    { { "json", no_argument, NULL, OPT_JSON }, NULL,
      "the whole view as one JSON object" },
    { { "watch", optional_argument, NULL, OPT_WATCH }, "[=SECS]",
      "redraw every SECS (default 1) with rates, until Ctrl-C" },
    { { "no-fwd", no_argument, NULL, OPT_NO_FWD }, NULL,
      "do not ask gfp-fwd" },
    { { "clear-pmd", no_argument, NULL, OPT_CLEAR_PMD }, NULL,
      "after the reading, clear the PMD threads' counters" },
    { { "help", no_argument, NULL, 'h' }, NULL, "this help" },
};

void
ctl_stats_usage(void)
{
    printf("usage: gfp-ctl [-s SOCKET] stats [--db DB | --sandbox DIR | "
           "--no-ovs]\n"
           "                 [--bridge BR] [--netns NS[:IF,...]]... "
           "[--json]\n"
           "                 [--watch[=SECS]] [--no-fwd] [--clear-pmd]\n"
           "\n"
           "Where the packets went: every OVS interface's counters and "
           "software drops,\n"
           "the PMD threads' load, gfp-fwd's counters from SOCKET, kernel "
           "links, and the\n"
           "hops that dropped packets.\n\n");
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        const struct option *o = &options[i].opt;
        const char *arg = options[i].arg;
        char word[40];

        snprintf(word, sizeof word, "--%s%s%s", o->name,
                 arg && arg[0] != '[' ? " " : "", arg ? arg : "");
        printf("  %-20s %s\n", word, options[i].help);
    }
    printf("\nOVS's ovs_* counters in the Interface table refresh every %d "
           "s.  See gfp-ctl(8).\n", CTL_STATS_OVS_REFRESH_S);
}

static int
add_netns(struct ctl_stats_args *args, const char *arg,
          char err[OVS_ERR_LEN])
{
    struct ctl_stats_netns ns;
    char perr[OVS_ERR_LEN];

    if (ctl_stats_netns_parse(arg, &ns, perr)) {
        snprintf(err, OVS_ERR_LEN, "stats: %.400s", perr);
        ctl_stats_netns_destroy(&ns);
        return -1;
    }
    for (size_t i = 0; i < args->n_netns; i++) {
        if (!strcmp(args->netns[i].name, ns.name)) {
            snprintf(err, OVS_ERR_LEN, "stats: --netns %s given twice: name "
                     "all its interfaces in one", ns.name);
            ctl_stats_netns_destroy(&ns);
            return -1;
        }
    }
    args->netns = ctl_xrealloc(args->netns,
                               (args->n_netns + 1) * sizeof *args->netns);
    args->netns[args->n_netns++] = ns;
    return 0;
}

/* Options that exclude each other. */
static int
check_args(const struct ctl_stats_args *args, char err[OVS_ERR_LEN])
{
    const char *clash = NULL;

    if (args->db && args->sandbox) {
        snprintf(err, OVS_ERR_LEN, "stats: --db and --sandbox exclude each "
                 "other");
        return -1;
    }
    if (args->no_ovs) {
        clash = args->db ? "--db" : args->sandbox ? "--sandbox"
                : args->bridge ? "--bridge"
                : args->clear_pmd ? "--clear-pmd" : NULL;
    }
    if (clash) {
        snprintf(err, OVS_ERR_LEN, "stats: --no-ovs and %s exclude each "
                 "other", clash);
        return -1;
    }
    if (args->clear_pmd && args->watch) {
        snprintf(err, OVS_ERR_LEN, "stats: --clear-pmd and --watch exclude "
                 "each other");
        return -1;
    }
    return 0;
}

static int
set_option(struct ctl_stats_args *args, int opt, char err[OVS_ERR_LEN])
{
    unsigned long long secs;

    switch (opt) {
    case OPT_DB:
        args->db = optarg;
        break;
    case OPT_SANDBOX:
        args->sandbox = optarg;
        break;
    case OPT_BRIDGE:
        args->bridge = optarg;
        break;
    case OPT_NO_OVS:
        args->no_ovs = true;
        break;
    case OPT_NETNS:
        return add_netns(args, optarg, err);
    case OPT_JSON:
        args->json = true;
        break;
    case OPT_NO_FWD:
        args->no_fwd = true;
        break;
    case OPT_CLEAR_PMD:
        args->clear_pmd = true;
        break;
    case OPT_WATCH:
        args->watch = 1;
        if (optarg) {
            if (parse_uint(optarg, 1, 3600, &secs)) {
                snprintf(err, OVS_ERR_LEN, "stats: invalid value '%.100s' "
                         "for --watch: expected seconds, 1 to 3600", optarg);
                return -1;
            }
            args->watch = secs;
        }
        break;
    }
    return 0;
}

int
ctl_stats_args_parse(int argc, char *argv[], struct ctl_stats_args *args,
                     int *optp, const char **word, char err[OVS_ERR_LEN])
{
    struct option long_options[ARRAY_SIZE(options) + 1];
    int opt;

    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        long_options[i] = options[i].opt;
    }
    memset(&long_options[ARRAY_SIZE(options)], 0, sizeof *long_options);
    *optp = 0;
    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:h", long_options, NULL))
           != -1) {
        if (opt == 'h') {
            return 1;
        } else if (opt == ':' || opt == '?') {
            *optp = opt;
            *word = argv[optind - 1];
            return -1;
        } else if (set_option(args, opt, err)) {
            return -1;
        }
    }
    if (optind < argc) {
        snprintf(err, OVS_ERR_LEN, "stats: unexpected argument '%.100s'",
                 argv[optind]);
        return -1;
    }
    return check_args(args, err);
}

void
ctl_stats_args_destroy(struct ctl_stats_args *args)
{
    for (size_t i = 0; i < args->n_netns; i++) {
        ctl_stats_netns_destroy(&args->netns[i]);
    }
    free(args->netns);
    args->netns = NULL;
    args->n_netns = 0;
}

void
ctl_stats_reading_clear(struct ctl_stats_reading *r,
                        const struct ctl_stats_args *args)
{
    for (size_t i = 0; i < r->n_ifaces; i++) {
        free(r->ifaces[i].name);
        free(r->ifaces[i].bridge);
        free(r->ifaces[i].type);
        free(r->ifaces[i].link_state);
    }
    free(r->ifaces);
    ovs_pmds_clear(&r->pmds);
    json_decref(r->fwd);
    for (size_t i = 0; r->netns && i < args->n_netns; i++) {
        free(r->netns[i].links);
    }
    free(r->netns);
    memset(r, 0, sizeof *r);
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One reading of every source; errors printed. */
static int
collect(const struct ctl_stats_ctx *ctx, struct ctl_stats_reading *r)
{
    const struct ctl_stats_args *args = ctx->args;
    char err[OVS_ERR_LEN];

    memset(r, 0, sizeof *r);
    r->time = now_s();
    if (!args->no_ovs && ctl_stats_read_ovs(ctx, r, err)) {
        fprintf(stderr, "gfp-ctl: stats: cannot read OVS (%s): %s\n",
                ctx->source, err);
        goto error;
    }
    r->netns = ctl_xcalloc(args->n_netns + 1, sizeof *r->netns);
    for (size_t i = 0; i < args->n_netns; i++) {
        if (ctl_stats_read_netns(ctx, &args->netns[i], &r->netns[i], err)) {
            fprintf(stderr, "gfp-ctl: stats: %s\n", err);
            goto error;
        }
    }
    ctl_stats_read_fwd(ctx, r);
    return 0;

error:
    ctl_stats_reading_clear(r, args);
    return -1;
}

static int
show(const struct ctl_stats_ctx *ctx, const struct ctl_stats_reading *r,
     const struct ctl_stats_reading *prev)
{
    const struct ctl_stats_args *args = ctx->args;
    json_t *view = ctl_stats_view(ctx, r, prev);

    if (args->json) {
        json_dumpf(view, stdout, (args->compact || args->watch
                                  ? JSON_COMPACT : JSON_INDENT(2))
                   | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else {
        if (args->watch && isatty(STDOUT_FILENO)) {
            fputs("\033[H\033[2J", stdout);
        }
        ctl_stats_print(view, prev != NULL);
        if (args->watch) {
            putchar('\n');
        }
    }
    json_decref(view);
    return fflush(stdout) ? -1 : 0;
}

static int
run_once(const struct ctl_stats_ctx *ctx)
{
    struct ctl_stats_reading r;
    char err[OVS_ERR_LEN];
    int status = EXIT_SUCCESS;

    if (collect(ctx, &r)) {
        return EXIT_FAILURE;
    }
    /* After the reading: the next one covers only what came since. */
    if (ctx->args->clear_pmd) {
        if (ctl_stats_clear_pmd(ctx, err)) {
            fprintf(stderr, "gfp-ctl: stats: cannot clear the PMD counters "
                    "(%s): %s\n", ctx->source, err);
            status = EXIT_FAILURE;
            goto out;
        }
        r.pmd_cleared = true;
    }
    status = show(ctx, &r, NULL) ? EXIT_FAILURE : EXIT_SUCCESS;

out:
    ctl_stats_reading_clear(&r, ctx->args);
    return status;
}

static volatile sig_atomic_t stop_requested;

static void
on_sigint(int sig)
{
    stop_requested = sig;
}

/* One reading a period, each shown with rates since the one before. */
static int
watch_loop(const struct ctl_stats_ctx *ctx, const sigset_t *stop_sigs)
{
    struct ctl_stats_reading cur, prev;
    bool have_prev = false;
    int status = EXIT_SUCCESS;

    while (!stop_requested) {
        struct timespec ts = { .tv_sec = ctx->args->watch };
        sigset_t pending;
        int sig;

        if (collect(ctx, &cur)) {
            status = EXIT_FAILURE;
            break;
        }
        sigpending(&pending);
        if (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM)) {
            ctl_stats_reading_clear(&cur, ctx->args);
            break;
        }
        if (show(ctx, &cur, have_prev ? &prev : NULL)) {
            ctl_stats_reading_clear(&cur, ctx->args);
            status = EXIT_FAILURE;
            break;
        }
        if (have_prev) {
            ctl_stats_reading_clear(&prev, ctx->args);
        }
        prev = cur;
        have_prev = true;
        do {
            sig = sigtimedwait(stop_sigs, NULL, &ts);
        } while (sig < 0 && errno == EINTR);
        if (sig > 0) {
            stop_requested = sig;
        }
    }
    if (have_prev) {
        ctl_stats_reading_clear(&prev, ctx->args);
    }
    return status;
}

static int
run_watch(const struct ctl_stats_ctx *ctx)
{
    struct sigaction sa = { .sa_handler = on_sigint };
    sigset_t stop_sigs, old_mask;
    int status;

    /* No SA_RESTART: the sleep ends on Ctrl-C. */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* Ctrl-C is held pending while a reading is taken and taken up by the
     * wait, so none is lost between a check and a sleep, and no reading is
     * cut short by it. */
    sigemptyset(&stop_sigs);
    sigaddset(&stop_sigs, SIGINT);
    sigaddset(&stop_sigs, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop_sigs, &old_mask);
    status = watch_loop(ctx, &stop_sigs);
    /* A signal still pending now runs the handler: the loop is over. */
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    return status;
}

int
ctl_stats_run(const struct ctl_stats_args *args)
{
    struct ctl_stats_ctx ctx;
    int status;

    if (ctl_stats_ctx_init(&ctx, args)) {
        ctl_stats_ctx_destroy(&ctx);
        return EXIT_FAILURE;
    }
    status = args->watch ? run_watch(&ctx) : run_once(&ctx);
    ctl_stats_ctx_destroy(&ctx);
    return status;
}
