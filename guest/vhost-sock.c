#include <config.h>
#include "vhost-sock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

LOG_MODULE(vhost_sock);

/* Copies the value of 'key' in the devargs 'args' ("a=1,key=v,...") into
 * 'out'; returns false if absent. */
static bool
devarg(const char *args, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key);

    for (const char *p = args; p; p = strchr(p, ',') ? strchr(p, ',') + 1
                                                       : NULL) {
        if (!strncmp(p, key, klen) && p[klen] == '=') {
            const char *v = p + klen + 1;
            size_t len = strcspn(v, ",");

            if (len >= size) {
                return false;
            }
            memcpy(out, v, len);
            out[len] = '\0';
            return true;
        }
    }
    return false;
}

static int
check_one(const char *path, char *err, size_t err_size)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct stat st;
    int fd, error;

    if (lstat(path, &st)) {
        return 0;               /* Nothing there: the port creates it. */
    }
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, err_size, "vhost-user socket path %s exists and is "
                 "not a socket: remove it or choose another path", path);
        return -ENOTSOCK;
    }
    if (strlen(path) >= sizeof sun.sun_path) {
        return 0;               /* The PMD reports that one. */
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        return 0;
    }
    error = connect(fd, (struct sockaddr *) &sun, sizeof sun) ? errno : 0;
    close(fd);
    if (!error) {
        snprintf(err, err_size, "vhost-user socket %s is in use: another "
                 "process listens on it (another gfp-fwd or guest?)", path);
        return -EADDRINUSE;
    }
    if (error == ECONNREFUSED && !unlink(path)) {
        LOG_INFO("removed stale vhost-user socket %s", path);
    }
    return 0;
}

int
vhost_sock_prepare(int argc, char *argv[], char *err, size_t err_size)
{
    for (int i = 1; i < argc; i++) {
        const char *vdev = NULL;
        char path[256], server[8];
        int error;

        if (!strcmp(argv[i], "--vdev") && i + 1 < argc) {
            vdev = argv[++i];
        } else if (!strncmp(argv[i], "--vdev=", 7)) {
            vdev = argv[i] + 7;
        }
        if (!vdev || strncmp(vdev, "net_virtio_user", 15)
            || !strchr(vdev, ',')) {
            continue;
        }
        if (!devarg(strchr(vdev, ',') + 1, "server", server, sizeof server)
            || strcmp(server, "1")
            || !devarg(strchr(vdev, ',') + 1, "path", path, sizeof path)) {
            continue;
        }
        error = check_one(path, err, err_size);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* The devargs of virtio-user's fastest datapaths on DPDK 22.11's vhost (as
 * in OVS 3.1), measured with gfp-fwd's busy cycles per packet against
 * dpdk-testpmd's (see Documentation/benchmark.rst).  Every frame in one
 * mbuf, on a CPU with AVX-512: the packed ring's vectorized paths, which
 * need in-order, mergeable buffers off and the EAL's 512-bit width (added
 * by vhost_sock_apply_defaults()); a vhost that does not offer the packed
 * ring negotiates the split one.  Without AVX-512: the split ring's
 * vectorized receive path, which needs mergeable buffers off and in-order
 * off.  With mergeable buffers (jumbo frames) no vectorized path runs: the
 * split ring in order. */
static const char *const datapath_devargs[] = {
    [VIRTIO_DP_MERGEABLE] = "in_order=1",
    [VIRTIO_DP_SPLIT_VEC] = "in_order=0,mrg_rxbuf=0,vectorized=1",
    [VIRTIO_DP_PACKED_VEC] = "packed_vq=1,in_order=1,mrg_rxbuf=0,"
                             "vectorized=1",
};

/* Whether the devargs 'args' ("a=1,key=v,...") name 'key' ('klen' bytes
 * long). */
static bool
has_key(const char *args, const char *key, size_t klen)
{
    for (const char *p = args; p; p = strchr(p, ',') ? strchr(p, ',') + 1
                                                       : NULL) {
        if (!strncmp(p, key, klen) && strchr("=,", p[klen])) {
            return true;
        }
    }
    return false;
}

/* Whether the devargs 'args' give 'key' the value 'value'. */
static bool
has_value(const char *args, const char *key, const char *value)
{
    char v[8];

    return devarg(args, key, v, sizeof v) && !strcmp(v, value);
}

int
vhost_sock_defaults(const char *vdev, enum virtio_datapath dp, char *out,
                    size_t size, char *added, size_t added_size)
{
    const char *args = strchr(vdev, ',');
    size_t len, alen = 0;

    added[0] = '\0';
    len = snprintf(out, size, "%s", vdev);
    if (len >= size) {
        return -ENAMETOOLONG;
    }
    if (strncmp(vdev, "net_virtio_user", 15)) {
        return 0;
    }
    if (dp == VIRTIO_DP_PACKED_VEC && args
        && (has_value(args + 1, "packed_vq", "0")
            || has_value(args + 1, "in_order", "0"))) {
        /* The packed ring's vectorized paths need both: the user chose
         * the split ring, or out of order; its vectorized receive then. */
        dp = VIRTIO_DP_SPLIT_VEC;
    }
    for (const char *kv = datapath_devargs[dp]; *kv;
         kv += strcspn(kv, ","), kv += *kv == ',') {
        int kvlen = strcspn(kv, ",");

        if (args && has_key(args + 1, kv, strcspn(kv, "="))) {
            continue;
        }
        len += snprintf(out + len, len < size ? size - len : 0, ",%.*s",
                        kvlen, kv);
        alen += snprintf(added + alen, alen < added_size
                         ? added_size - alen : 0, "%s%.*s",
                         alen ? "," : "", kvlen, kv);
        if (len >= size || alen >= added_size) {
            return -ENAMETOOLONG;
        }
    }
    return 0;
}

/* Whether the vdev 'vdev' asks for the packed ring's vectorized paths
 * (the user's choice). */
static bool
wants_packed_vec(const char *vdev)
{
    const char *args = strchr(vdev, ',');
    char packed[4], vec[4];

    return args && !strncmp(vdev, "net_virtio_user", 15)
           && devarg(args + 1, "packed_vq", packed, sizeof packed)
           && devarg(args + 1, "vectorized", vec, sizeof vec)
           && !strcmp(packed, "1") && !strcmp(vec, "1");
}

/* Rewrites argument 'i' of 'argv' into 'copy[i]'. */
static int
copy_arg(char *argv[], int i, char **copy, enum virtio_datapath dp,
         bool apply)
{
    const char *arg = argv[i], *vdev = NULL;
    char added[128];
    size_t size;

    if (i > 0 && !strcmp(argv[i - 1], "--vdev")) {
        vdev = arg;
    } else if (!strncmp(arg, "--vdev=", 7)) {
        vdev = arg + 7;
    }
    size = strlen(arg) + sizeof added + 1;
    copy[i] = malloc(size);
    if (!copy[i]) {
        return -ENOMEM;
    }
    if (!vdev || !apply || vhost_sock_defaults(vdev, dp,
                                               copy[i] + (vdev - arg),
                                               size - (vdev - arg), added,
                                               sizeof added)) {
        strcpy(copy[i], arg);
        return 0;
    }
    memcpy(copy[i], arg, vdev - arg);
    if (added[0]) {
        LOG_INFO("%.*s: virtio datapath devargs %s added (give them in "
                 "--vdev to choose, or --virtio-defaults off)",
                 (int) strcspn(vdev, ","), vdev, added);
    } else if (!strncmp(vdev, "net_virtio_user", 15)) {
        LOG_INFO("%.*s: virtio datapath devargs as given (the --vdev "
                 "names them)", (int) strcspn(vdev, ","), vdev);
    }
    return 0;
}

char **
vhost_sock_apply_defaults(int *argc, char *argv[], bool apply,
                          enum virtio_datapath dp)
{
    char **copy = calloc(*argc + 2, sizeof *copy);
    bool packed_vec = false, simd_given = false;
    int n = *argc;

    if (!copy) {
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        if (copy_arg(argv, i, copy, dp, apply)) {
            vhost_sock_free_argv(i, copy);
            return NULL;
        }
        packed_vec |= wants_packed_vec(copy[i]
                                       + (strncmp(copy[i], "--vdev=", 7)
                                          ? 0 : 7));
        simd_given |= !strncmp(argv[i], "--force-max-simd-bitwidth", 25);
    }
    if (apply && packed_vec && !simd_given) {
        /* The EAL's default width (256 bits) keeps the PMD off its AVX-512
         * paths. */
        copy[n] = strdup("--force-max-simd-bitwidth=512");
        if (!copy[n]) {
            vhost_sock_free_argv(n, copy);
            return NULL;
        }
        LOG_INFO("EAL option --force-max-simd-bitwidth=512 added, for "
                 "virtio's packed ring vectorized paths");
        n++;
    }
    *argc = n;
    return copy;
}

void
vhost_sock_free_argv(int argc, char **argv)
{
    if (argv) {
        for (int i = 0; i < argc; i++) {
            free(argv[i]);
        }
        free(argv);
    }
}
