/* gfp-ctl options: one table per command drives usage, getopt_long() and
 * the usage errors every command shares.
 *
 * A command describes its options in an array of struct ctl_option and
 * its positional arguments in a struct ctl_options; ctl_options_parse()
 * stores each option's value into the command's own struct (at the
 * member's offset), prints --help, and reports the one error of a bad
 * command line:
 *
 *     gfp-ctl: WHO: unknown option '--x' (see gfp-ctl --help)
 *     gfp-ctl: WHO: option '--db' needs a value (see gfp-ctl --help)
 *     gfp-ctl: WHO: unexpected argument 'x' (see gfp-ctl --help)
 *     gfp-ctl: usage: gfp-ctl WHO SYNOPSIS (see gfp-ctl --help)
 *
 * with exit status GFP_CTL_EXIT_USAGE.  A value may not be empty (--db=)
 * unless it is optional. */
#ifndef GFP_CTL_OPTIONS_H
#define GFP_CTL_OPTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ctl_option;

/* Checks 'value' for 'opt' and stores it at 'dst'.  'value' is NULL only
 * for an optional value left out.  Returns 0, or prints one usage error
 * (gfp_ctl_usage_error()) and returns what it returned. */
typedef int ctl_option_parse_func(const struct ctl_option *opt,
                                  const char *value, void *dst);

struct ctl_option {
    char short_name;            /* 's' for -s, or 0 for none. */
    const char *name;           /* "root" for --root. */
    const char *arg;            /* The value's name ("DIR"), NULL: a flag. */
    bool optional;              /* The value may be left out (--x[=ARG]). */
    const char *help;           /* One line for --help. */
    size_t offset;              /* Of the destination in the command's
                                 * struct. */
    ctl_option_parse_func *parse;   /* NULL: a flag sets a bool; a value is
                                     * kept as a non-empty const char *. */
};

/* A flag: sets 'bool MEMBER' of 'STRUCT'. */
#define CTL_FLAG(NAME, STRUCT, MEMBER, HELP)                            \
    { 0, NAME, NULL, false, HELP, offsetof(STRUCT, MEMBER), NULL }

/* An option with a value, stored by PARSE (NULL: kept as a non-empty
 * const char *) at MEMBER of STRUCT. */
#define CTL_VALUE(NAME, ARG, STRUCT, MEMBER, PARSE, HELP)               \
    { 0, NAME, ARG, false, HELP, offsetof(STRUCT, MEMBER), PARSE }

/* What a command line of one command looks like. */
struct ctl_options {
    const char *who;            /* "preflight", "host setup": the command
                                 * as typed after "gfp-ctl". */
    const char *synopsis;       /* After "gfp-ctl WHO" in usage. */
    const char *description;    /* For --help, may be NULL. */
    const struct ctl_option *options;
    size_t n_options;
    unsigned min_args, max_args;        /* Positional arguments. */
    bool stop_at_arg;           /* Options end at the first argument (the
                                 * top level: what follows is a command). */
    void (*help)(void);         /* Prints --help, if not the default
                                 * ctl_options_usage(). */
};

/* Parses the options of argv[1...] (argv[0] is the command word) into
 * 'dst' by 'spec'.  Returns true to go on, with the positional arguments
 * in argv[*first] to argv[argc - 1]; false with '*status' the exit status
 * to return: EXIT_SUCCESS after --help was printed, GFP_CTL_EXIT_USAGE
 * after one usage error, or what an option's parser returned. */
bool ctl_options_parse(const struct ctl_options *spec, int argc,
                       char *argv[], void *dst, int *first, int *status);

/* Prints the usage of 'spec': synopsis, description and one line per
 * option. */
void ctl_options_usage(const struct ctl_options *spec, FILE *);

/* Parsers for ctl_option.parse. */

/* An existing absolute directory, a root prefix: "/" is stored as "". */
ctl_option_parse_func ctl_option_root;

#endif /* options.h */
