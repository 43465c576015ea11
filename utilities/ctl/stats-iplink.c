/* gfp-ctl stats: the parsers behind --netns, of its argument and of what
 * 'ip -s -s -j link show' prints.
 *
 * ip's JSON is read strictly: a link without a counter asked for is an
 * error naming it, never a silent zero.  Nothing here runs a program:
 * tests/fuzz/fuzz-iplink.c fuzzes both parsers. */
#include <config.h>

#include "ctl-stats.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NETNS_NAME_MAX 64

uint64_t
ctl_stats_link_drops(const struct ctl_stats_link *link)
{
    uint64_t n = 0;

#define LINK_DROPS(NAME, DIR, KEY, DROP)        \
    if (DROP) {                                 \
        n += link->NAME;                        \
    }
    CTL_STATS_LINK_COUNTERS(LINK_DROPS)
#undef LINK_DROPS
    return n;
}

static bool
valid_netns_name(const char *s)
{
    size_t n = strlen(s);

    if (!n || n > NETNS_NAME_MAX || !strcmp(s, ".") || !strcmp(s, "..")) {
        return false;
    }
    for (; *s; s++) {
        if (!isalnum((unsigned char) *s) && !strchr("_.-", *s)) {
            return false;
        }
    }
    return true;
}

static bool
valid_ifname(const char *s)
{
    size_t n = strlen(s);

    if (!n || n >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, "..")) {
        return false;
    }
    for (; *s; s++) {
        if ((unsigned char) *s <= ' ' || *s == 0x7f || strchr("/:,", *s)) {
            return false;
        }
    }
    return true;
}

int
ctl_stats_netns_parse(const char *arg, struct ctl_stats_netns *ns,
                      char err[OVS_ERR_LEN])
{
    const char *colon = strchr(arg, ':');
    char *list, *save = NULL;

    memset(ns, 0, sizeof *ns);
    ns->name = (colon ? ctl_xasprintf("%.*s", (int) (colon - arg), arg)
                      : ctl_xstrdup(arg));
    if (!valid_netns_name(ns->name)) {
        snprintf(err, OVS_ERR_LEN, "invalid value '%.100s' for --netns: "
                 "expected NS[:IF[,IF...]], NS 1 to %d characters of "
                 "A-Za-z0-9_.-", arg, NETNS_NAME_MAX);
        return -1;
    }
    if (!colon) {
        return 0;
    }
    list = ctl_xstrdup(colon + 1);
    for (char *w = strtok_r(list, ",", &save); w;
         w = strtok_r(NULL, ",", &save)) {
        if (!valid_ifname(w)) {
            snprintf(err, OVS_ERR_LEN, "invalid interface '%.32s' in "
                     "--netns %.100s: expected 1 to %d characters, none of "
                     "them a space, '/', ':' or ','", w, arg,
                     IF_NAMESIZE - 1);
            free(list);
            return -1;
        }
        ns->ifnames = ctl_xrealloc(ns->ifnames,
                                   (ns->n_ifnames + 1) * sizeof *ns->ifnames);
        ns->ifnames[ns->n_ifnames++] = ctl_xstrdup(w);
    }
    free(list);
    if (!ns->n_ifnames) {
        snprintf(err, OVS_ERR_LEN, "invalid value '%.100s' for --netns: "
                 "no interface after ':'", arg);
        return -1;
    }
    return 0;
}

void
ctl_stats_netns_destroy(struct ctl_stats_netns *ns)
{
    if (ns) {
        for (size_t i = 0; i < ns->n_ifnames; i++) {
            free(ns->ifnames[i]);
        }
        free(ns->ifnames);
        free(ns->name);
    }
}

/* One counter: stats64 (or stats), then DIR, then KEY. */
static int
link_counter(json_t *link, const char *dir, const char *key, uint64_t *out,
             char err[OVS_ERR_LEN])
{
    json_t *stats = json_object_get(link, "stats64");
    json_t *v;

    if (!stats) {
        stats = json_object_get(link, "stats");
    }
    v = json_object_get(json_object_get(stats, dir), key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        snprintf(err, OVS_ERR_LEN, "link %.32s: no counter stats64.%s.%s",
                 json_string_value(json_object_get(link, "ifname")), dir,
                 key);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

static int
link_parse(json_t *link, struct ctl_stats_link *out, char err[OVS_ERR_LEN])
{
    const char *name = json_string_value(json_object_get(link, "ifname"));

    memset(out, 0, sizeof *out);
    if (!name || !*name || strlen(name) >= sizeof out->name) {
        snprintf(err, OVS_ERR_LEN, "a link without a valid \"ifname\"");
        return -1;
    }
    snprintf(out->name, sizeof out->name, "%s", name);
#define LINK_PARSE(NAME, DIR, KEY, DROP)                                \
    if (link_counter(link, DIR, KEY, &out->NAME, err)) {                \
        return -1;                                                      \
    }
    CTL_STATS_LINK_COUNTERS(LINK_PARSE)
#undef LINK_PARSE
    return 0;
}

static json_t *
find_link(json_t *links, const char *name)
{
    json_t *link;
    size_t i;

    json_array_foreach (links, i, link) {
        const char *s = json_string_value(json_object_get(link, "ifname"));

        if (s && !strcmp(s, name)) {
            return link;
        }
    }
    return NULL;
}

int
ctl_stats_parse_ip_link(const char *text, const struct ctl_stats_netns *ns,
                        struct ctl_stats_link **linksp, size_t *n_links,
                        char err[OVS_ERR_LEN])
{
    json_t *links, *link;
    json_error_t jerr;
    int error = -EINVAL;
    size_t n;

    *linksp = NULL;
    *n_links = 0;
    links = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_array(links)) {
        snprintf(err, OVS_ERR_LEN, "not a JSON array of links%s%.200s",
                 links ? "" : ": ", links ? "" : jerr.text);
        json_decref(links);
        return -EINVAL;
    }
    n = ns->ifnames ? ns->n_ifnames : json_array_size(links);
    *linksp = ctl_xcalloc(n ? n : 1, sizeof **linksp);
    for (size_t i = 0; i < n; i++) {
        link = ns->ifnames ? find_link(links, ns->ifnames[i])
                           : json_array_get(links, i);
        if (!link) {
            snprintf(err, OVS_ERR_LEN, "network namespace '%s' has no "
                     "interface '%s'", ns->name, ns->ifnames[i]);
            error = -ENOENT;
            goto error;
        }
        if (link_parse(link, &(*linksp)[i], err)) {
            goto error;
        }
    }
    *n_links = n;
    json_decref(links);
    return 0;

error:
    json_decref(links);
    free(*linksp);
    *linksp = NULL;
    return error;
}
