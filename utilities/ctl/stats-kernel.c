/* gfp-ctl stats: kernel links of network namespaces (--netns).
 *
 * 'ip -s -s -j -n NS link show' prints every link with its stats64 (the
 * second -s adds the error details, "missed_errors" among them); its
 * parser is in stats-iplink.c. */
#include <config.h>

#include "ctl-stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NETNS_DIR "/run/netns"

int
ctl_stats_read_netns(const struct ctl_stats_ctx *ctx,
                     const struct ctl_stats_netns *ns,
                     struct ctl_stats_links *out, char err[OVS_ERR_LEN])
{
    char *file, *text = NULL, perr[OVS_ERR_LEN];
    struct stat st;
    int error;

    if (!ctx->args->replay) {
        char *path = ctl_xasprintf(NETNS_DIR "/%s", ns->name);

        error = stat(path, &st) ? -errno : 0;
        free(path);
        if (error == -ENOENT) {
            snprintf(err, OVS_ERR_LEN, "network namespace '%s' does not "
                     "exist (no " NETNS_DIR "/%s)", ns->name, ns->name);
            return -1;
        } else if (error) {
            snprintf(err, OVS_ERR_LEN, "network namespace '%s': %s",
                     ns->name, strerror(-error));
            return -1;
        }
    }
    file = ctl_xasprintf("ip-link-%s", ns->name);
    error = ctl_stats_tool(ctx, file, &text, err, "ip", "-s", "-s", "-j",
                           "-n", ns->name, "link", "show");
    free(file);
    if (error) {
        return -1;
    }
    error = ctl_stats_parse_ip_link(text, ns, &out->links, &out->n, perr);
    if (error) {
        /* A missing interface is said as it is; anything else is ip's
         * output the parser did not understand. */
        if (error == -ENOENT) {
            snprintf(err, OVS_ERR_LEN, "%s", perr);
        } else {
            snprintf(err, OVS_ERR_LEN, "unexpected output from 'ip -s -s "
                     "-j -n %s link show': %.400s", ns->name, perr);
        }
    }
    free(text);
    return error ? -1 : 0;
}
