#include <config.h>
#include "vhost-sock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

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
