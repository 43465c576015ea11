/* gfp-ctl options: one table per command (see options.h). */
#include <config.h>

#include "options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-util.h"
#include "gfp-ctl.h"
#include "sysfs.h"

/* getopt_long()'s value for the option at index 'i' of a table. */
#define OPTION_VAL(I) (256 + (int) (I))

static const struct ctl_option help_option = {
    'h', "help", NULL, false, "this help", 0, NULL,
};

static const struct ctl_option *
option_at(const struct ctl_options *spec, size_t i)
{
    return i < spec->n_options ? &spec->options[i] : &help_option;
}

/* The getopt_long() tables for 'spec', --help last.  Free both. */
static void
make_getopt(const struct ctl_options *spec, struct option **longp,
            char **shortp)
{
    size_t n = spec->n_options + 1;
    struct option *lo = ctl_xcalloc(n + 1, sizeof *lo);
    char *so = ctl_xmalloc(3 * n + 3), *p = so;

    if (spec->stop_at_arg) {
        *p++ = '+';
    }
    *p++ = ':';
    for (size_t i = 0; i < n; i++) {
        const struct ctl_option *o = option_at(spec, i);
        int has_arg = (!o->arg ? no_argument
                       : o->optional ? optional_argument
                       : required_argument);

        lo[i] = (struct option) {
            o->name, has_arg, NULL, o->short_name ? o->short_name
                                                  : OPTION_VAL(i),
        };
        if (o->short_name) {
            *p++ = o->short_name;
            for (int k = 0; k < has_arg; k++) {
                *p++ = ':';
            }
        }
    }
    *p = '\0';
    *longp = lo;
    *shortp = so;
}

static const struct ctl_option *
find_option(const struct ctl_options *spec, int val)
{
    for (size_t i = 0; i <= spec->n_options; i++) {
        const struct ctl_option *o = option_at(spec, i);

        if (o->short_name ? o->short_name == val : OPTION_VAL(i) == val) {
            return o;
        }
    }
    return NULL;
}

static int
option_error(const struct ctl_options *spec, const char *what,
             const char *word, const char *tail)
{
    return gfp_ctl_usage_error("%s%s%s '%s'%s", spec->who ? spec->who : "",
                               spec->who ? ": " : "", what, word, tail);
}

/* Stores the value of 'o' (NULL for a flag) into 'dst'. */
static int
option_store(const struct ctl_options *spec, const struct ctl_option *o,
             const char *value, void *dst)
{
    void *p = (char *) dst + o->offset;

    if (o->arg && !o->optional && !value[0]) {
        char word[64];

        snprintf(word, sizeof word, "--%s", o->name);
        return option_error(spec, "option", word, " needs a value");
    } else if (o->parse) {
        return o->parse(o, value, p);
    } else if (!o->arg) {
        *(bool *) p = true;
    } else {
        *(const char **) p = value;
    }
    return 0;
}

/* The getopt_long() loop.  Returns true to go on. */
static bool
parse_loop(const struct ctl_options *spec, int argc, char *argv[],
           void *dst, int *status)
{
    struct option *lo;
    char *so;
    int opt;

    make_getopt(spec, &lo, &so);
    optind = 0;
    opterr = 0;
    *status = 0;
    while (!*status && (opt = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        const struct ctl_option *o = find_option(spec, opt);

        if (opt == ':') {
            *status = option_error(spec, "option", argv[optind - 1],
                                   " needs a value");
        } else if (!o) {
            *status = option_error(spec, "unknown option", argv[optind - 1],
                                   "");
        } else if (o == &help_option) {
            if (spec->help) {
                spec->help();
            } else {
                ctl_options_usage(spec, stdout);
            }
            *status = -1;
        } else {
            *status = option_store(spec, o, optarg, dst);
        }
    }
    free(lo);
    free(so);
    if (*status < 0) {
        *status = EXIT_SUCCESS;
        return false;
    }
    return !*status;
}

bool
ctl_options_parse(const struct ctl_options *spec, int argc, char *argv[],
                  void *dst, int *first, int *status)
{
    unsigned n_args;

    if (!parse_loop(spec, argc, argv, dst, status)) {
        return false;
    }
    n_args = argc - optind;
    if (n_args > spec->max_args && !spec->stop_at_arg) {
        *status = option_error(spec, "unexpected argument",
                               argv[optind + spec->max_args], "");
        return false;
    } else if (n_args < spec->min_args) {
        *status = gfp_ctl_usage_error("usage: gfp-ctl %s%s%s",
                                      spec->who ? spec->who : "",
                                      spec->who ? " " : "", spec->synopsis);
        return false;
    }
    *first = optind;
    return true;
}

/* "-s, --socket=PATH" for 'o'. */
static void
format_option(const struct ctl_option *o, char *buf, size_t size)
{
    snprintf(buf, size, "%c%c%c --%s%s%s%s%s",
             o->short_name ? '-' : ' ', o->short_name ? o->short_name : ' ',
             o->short_name ? ',' : ' ', o->name,
             o->arg && o->optional ? "[" : "", o->arg ? "=" : "",
             o->arg ? o->arg : "", o->arg && o->optional ? "]" : "");
}

void
ctl_options_usage(const struct ctl_options *spec, FILE *stream)
{
    int width = 0;

    fprintf(stream, "usage: gfp-ctl %s%s%s\n", spec->who ? spec->who : "",
            spec->who ? " " : "", spec->synopsis);
    if (spec->description) {
        fprintf(stream, "%s\n", spec->description);
    }
    for (size_t i = 0; i <= spec->n_options; i++) {
        char buf[80];

        format_option(option_at(spec, i), buf, sizeof buf);
        width = MIN(MAX(width, (int) strlen(buf)), 24);
    }
    fprintf(stream, "\nOptions:\n");
    for (size_t i = 0; i <= spec->n_options; i++) {
        const struct ctl_option *o = option_at(spec, i);
        char buf[80];

        format_option(o, buf, sizeof buf);
        if ((int) strlen(buf) <= width && width + 4 + strlen(o->help) <= 79) {
            fprintf(stream, "  %-*s  %s\n", width, buf, o->help);
        } else {
            fprintf(stream, "  %s\n  %-*s  %s\n", buf, width, "", o->help);
        }
    }
}

int
ctl_option_root(const struct ctl_option *o, const char *value, void *dst)
{
    if (value[0] != '/' || !ctl_sysfs_exists("", value)) {
        return gfp_ctl_usage_error("--%s '%s' is not an existing absolute "
                                   "directory", o->name, value);
    }
    *(const char **) dst = strcmp(value, "/") ? value : "";
    return 0;
}
