/* gfp-ctl: the state file of a gfp-sandbox, which says which tools and
 * database to use (ovs.h). */
#include <config.h>

#include "ovs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl-util.h"
#include "util.h"

#define STATE_MAX (1u << 20)    /* A sandbox's state file is far smaller. */
#define WHY_LEN 256             /* Why a file is refused, in a message. */

/* The value of the last "KEY=" line of 'state', or NULL if none or
 * empty. */
static char *
state_get(const char *state, const char *key)
{
    size_t len = strlen(key);
    const char *last = NULL;

    for (const char *p = state; p && *p; p = strchr(p, '\n'),
                                         p = p ? p + 1 : NULL) {
        if (!strncmp(p, key, len) && p[len] == '=') {
            last = p + len + 1;
        }
    }
    if (!last || !last[0] || last[0] == '\n') {
        return NULL;
    }
    return ctl_xasprintf("%.*s", (int) strcspn(last, "\n"), last);
}

/* Whether no one but root and the user running gfp-ctl can change what
 * 'path' is.  'path' is absolute and canonical (no symbolic link, "." or
 * "..": as realpath() makes it).  It and every directory above it must be
 * owned by root or the effective user and writable by no one else; a
 * directory above it may be writable by all if it is sticky (/tmp): there
 * no one can rename or remove what is not theirs.  Returns 0, or a
 * negative errno with 'why' saying which component is wrong and how. */
static int
check_owned(const char *path, char why[WHY_LEN])
{
    char *p = ctl_xstrdup(path);
    uid_t me = geteuid();
    bool leaf = true;
    int error = 0;

    if (!p) {
        snprintf(why, WHY_LEN, "%s", strerror(ENOMEM));
        return -ENOMEM;
    }
    for (;;) {
        const char *name = p[0] ? p : "/";
        struct stat st;

        if (lstat(name, &st)) {
            error = -errno;
            snprintf(why, WHY_LEN, "%s: %s", name, strerror(errno));
            break;
        }
        if (st.st_uid && st.st_uid != me) {
            snprintf(why, WHY_LEN, "%s is owned by uid %lu, not by "
                     "root%s", name, (unsigned long) st.st_uid,
                     me ? " or you" : "");
            error = -EPERM;
            break;
        }
        if (st.st_mode & (S_IWGRP | S_IWOTH)
            && (leaf || !S_ISDIR(st.st_mode) || !(st.st_mode & S_ISVTX))) {
            snprintf(why, WHY_LEN, "%s is writable by %s", name,
                     st.st_mode & S_IWOTH ? "all users" : "its group");
            error = -EPERM;
            break;
        }
        if (!p[0]) {
            break;
        }
        *strrchr(p, '/') = '\0';
        leaf = false;
    }
    free(p);
    return error;
}

/* Reads the state file 'path' (absolute, in the canonical directory
 * 'dir') into '*state', if no one but root and the user can change it:
 * whoever can chooses the programs gfp-ctl runs. */
static int
read_state(const char *dir, const char *path, char **state,
           char err[OVS_ERR_LEN])
{
    char why[WHY_LEN];
    size_t len = 0, cap = 4096;
    struct stat st;
    int fd, error;

    *state = NULL;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        error = -errno;
        snprintf(err, OVS_ERR_LEN, "%s: %s", path, strerror(errno));
        return error;
    }
    error = check_owned(dir, why);
    if (!error && fstat(fd, &st)) {
        error = -errno;
        snprintf(why, sizeof why, "%s", strerror(errno));
    } else if (!error && !S_ISREG(st.st_mode)) {
        error = -EPERM;
        snprintf(why, sizeof why, "not a regular file");
    } else if (!error && st.st_uid && st.st_uid != geteuid()) {
        error = -EPERM;
        snprintf(why, sizeof why, "it is owned by uid %lu, not by root%s",
                 (unsigned long) st.st_uid, geteuid() ? " or you" : "");
    } else if (!error && st.st_mode & (S_IWGRP | S_IWOTH)) {
        error = -EPERM;
        snprintf(why, sizeof why, "it is writable by %s",
                 st.st_mode & S_IWOTH ? "all users" : "its group");
    }
    if (error) {
        snprintf(err, OVS_ERR_LEN, "refusing %s: %s (whoever can change "
                 "it chooses the programs gfp-ctl runs)", path, why);
        close(fd);
        return error;
    }
    *state = ctl_xmalloc(cap);
    error = *state ? 0 : -ENOMEM;
    while (!error) {
        ssize_t n;

        if (len + 1 == cap) {
            char *p = cap < STATE_MAX ? ctl_xrealloc(*state, cap * 2) : NULL;

            if (!p) {
                error = cap < STATE_MAX ? -ENOMEM : -EFBIG;
                break;
            }
            *state = p;
            cap *= 2;
        }
        n = read(fd, *state + len, cap - len - 1);
        if (n < 0 && errno != EINTR) {
            error = -errno;
        } else if (n == 0) {
            (*state)[len] = '\0';
            break;
        } else if (n > 0) {
            len += n;
        }
    }
    if (error) {
        snprintf(err, OVS_ERR_LEN, "%s: %s", path, strerror(-error));
    }
    close(fd);
    if (error) {
        free(*state);
        *state = NULL;
    }
    return error;
}

/* Checks the program '*prog' that the state file 'path' names as 'key':
 * it must be absolute, and no one but root and the user may be able to
 * change it.  '*prog' becomes its canonical path (the one that was
 * checked is the one run), or NULL if it no longer exists: the caller then
 * runs the system's, as gfp-sandbox does. */
static int
check_program(const char *path, const char *key, char **prog,
              char err[OVS_ERR_LEN])
{
    char why[WHY_LEN];
    struct stat st;
    char *real;
    int error;

    if (!*prog) {
        return 0;
    }
    if ((*prog)[0] != '/') {
        snprintf(err, OVS_ERR_LEN, "refusing %s=%s of %s: not an absolute "
                 "path", key, *prog, path);
        return -EPERM;
    }
    real = realpath(*prog, NULL);
    if (!real && errno == ENOENT) {
        free(*prog);
        *prog = NULL;
        return 0;
    } else if (!real) {
        error = -errno;
        snprintf(why, sizeof why, "%s", strerror(errno));
    } else if (stat(real, &st) || !S_ISREG(st.st_mode)) {
        error = -EPERM;
        snprintf(why, sizeof why, "%s is not a regular file", real);
    } else {
        error = check_owned(real, why);
    }
    if (error) {
        snprintf(err, OVS_ERR_LEN, "refusing %s=%s of %s: %s", key, *prog,
                 path, why);
        free(real);
        return error;
    }
    free(*prog);
    *prog = real;
    return 0;
}

int
ovs_sandbox_load(const char *dir, struct ovs_sandbox *sb,
                 char err[OVS_ERR_LEN])
{
    char *state = NULL, *path = NULL, *abs;
    int error;

    memset(sb, 0, sizeof *sb);
    abs = realpath(dir, NULL);
    if (!abs) {
        error = -errno;
        snprintf(err, OVS_ERR_LEN, "%s: %s", dir, strerror(errno));
        return error;
    }
    path = ctl_xasprintf("%s/gfp-sandbox.state", abs);
    error = read_state(abs, path, &state, err);
    if (error) {
        goto out;
    }
    sb->dir = state_get(state, "DIR");
    sb->db = state_get(state, "DB");
    sb->vsctl = state_get(state, "VSCTL");
    sb->ofctl = state_get(state, "OFCTL");
    sb->appctl = state_get(state, "APPCTL");
    sb->vswitchd = state_get(state, "VSWITCHD");
    sb->dpdk_extra = state_get(state, "DPDK_EXTRA");
    if (!sb->dir) {
        /* OVS takes a relative "unix:" path as relative to its rundir. */
        sb->dir = abs;
        abs = NULL;
    }
    if (sb->dir && !sb->db) {
        sb->db = ctl_xasprintf("unix:%s/db.sock", sb->dir);
    }
    if ((error = check_program(path, "VSCTL", &sb->vsctl, err))
        || (error = check_program(path, "OFCTL", &sb->ofctl, err))
        || (error = check_program(path, "APPCTL", &sb->appctl, err))
        || (error = check_program(path, "VSWITCHD", &sb->vswitchd, err))) {
        goto out;
    }

out:
    if (error) {
        ovs_sandbox_destroy(sb);
    }
    free(state);
    free(path);
    free(abs);
    return error;
}

void
ovs_sandbox_take(char **dst, char **value)
{
    if (*value) {
        free(*dst);
        *dst = *value;
        *value = NULL;
    }
}

void
ovs_sandbox_destroy(struct ovs_sandbox *sb)
{
    free(sb->dir);
    free(sb->db);
    free(sb->vsctl);
    free(sb->ofctl);
    free(sb->appctl);
    free(sb->vswitchd);
    free(sb->dpdk_extra);
    memset(sb, 0, sizeof *sb);
}
