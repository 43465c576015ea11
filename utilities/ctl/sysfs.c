/* ctl-sysfs: files under a root prefix. */
#include <config.h>

#include "sysfs.h"

#include "ctl-util.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
ctl_sysfs_path(const char *root, char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    size_t len;
    int n;

    len = strlen(root);
    if (len >= size) {
        return -ENAMETOOLONG;
    }
    memcpy(buf, root, len + 1);
    va_start(args, fmt);
    n = vsnprintf(buf + len, size - len, fmt, args);
    va_end(args);
    return n < 0 || (size_t) n >= size - len ? -ENAMETOOLONG : 0;
}

int
ctl_sysfs_slurp(const char *root, const char *path, char **data, size_t *lenp)
{
    char full[PATH_MAX];
    size_t len = 0, cap = 4096;
    char *buf;
    int fd, err;

    *data = NULL;
    err = ctl_sysfs_path(root, full, sizeof full, "%s", path);
    if (err) {
        return err;
    }
    fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    buf = ctl_xmalloc(cap);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    for (;;) {
        ssize_t n;

        if (cap - len < 2) {
            char *p = cap < (64u << 20) ? ctl_xrealloc(buf, cap * 2) : NULL;

            if (!p) {
                err = -ENOMEM;
                goto error;
            }
            buf = p;
            cap *= 2;
        }
        n = read(fd, buf + len, cap - len - 1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            err = -errno;
            goto error;
        }
        if (!n) {
            break;
        }
        len += n;
    }
    close(fd);
    buf[len] = '\0';
    *data = buf;
    if (lenp) {
        *lenp = len;
    }
    return 0;

error:
    free(buf);
    close(fd);
    return err;
}

int
ctl_sysfs_read(const char *root, const char *path, char *buf, size_t size)
{
    char full[PATH_MAX];
    ssize_t n;
    int fd, err;

    if (!size) {
        return -EINVAL;
    }
    err = ctl_sysfs_path(root, full, sizeof full, "%s", path);
    if (err) {
        return err;
    }
    fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    do {
        n = read(fd, buf, size - 1);
    } while (n < 0 && errno == EINTR);
    err = n < 0 ? -errno : 0;
    close(fd);
    if (err) {
        return err;
    }
    while (n > 0 && isspace((unsigned char) buf[n - 1])) {
        n--;
    }
    buf[n] = '\0';
    return n;
}

int
ctl_sysfs_read_uint(const char *root, const char *path,
                    unsigned long long *out)
{
    char buf[64], *end;
    int n;

    n = ctl_sysfs_read(root, path, buf, sizeof buf);
    if (n < 0) {
        return n;
    }
    if (!isdigit((unsigned char) buf[0])) {
        return -EINVAL;
    }
    errno = 0;
    *out = strtoull(buf, &end, 10);
    return errno ? -errno : *end ? -EINVAL : 0;
}

int
ctl_sysfs_read_int(const char *root, const char *path, long long *out)
{
    char buf[64], *end;
    int n;

    n = ctl_sysfs_read(root, path, buf, sizeof buf);
    if (n < 0) {
        return n;
    }
    if (!isdigit((unsigned char) buf[buf[0] == '-'])) {
        return -EINVAL;
    }
    errno = 0;
    *out = strtoll(buf, &end, 10);
    return errno ? -errno : *end ? -EINVAL : 0;
}

int
ctl_sysfs_link_name(const char *root, const char *path, char *buf,
                    size_t size)
{
    char full[PATH_MAX], target[PATH_MAX];
    const char *base;
    ssize_t n;
    int err;

    err = ctl_sysfs_path(root, full, sizeof full, "%s", path);
    if (err) {
        return err;
    }
    n = readlink(full, target, sizeof target - 1);
    if (n < 0) {
        return -errno;
    }
    target[n] = '\0';
    while (n > 1 && target[n - 1] == '/') {
        target[--n] = '\0';
    }
    base = strrchr(target, '/');
    base = base ? base + 1 : target;
    if (!base[0] || strlen(base) >= size) {
        return -ENAMETOOLONG;
    }
    strcpy(buf, base);
    return 0;
}

static int
compare_names(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;

    return strcmp(*a, *b);
}

void
ctl_sysfs_free_names(char **names, size_t n)
{
    if (names) {
        for (size_t i = 0; i < n; i++) {
            free(names[i]);
        }
        free(names);
    }
}

int
ctl_sysfs_list(const char *root, const char *dir, const char *prefix,
               char ***namesp, size_t *np)
{
    char full[PATH_MAX];
    char **names = NULL;
    size_t n = 0, cap = 0, plen = strlen(prefix);
    struct dirent *de;
    DIR *d;
    int err;

    *namesp = NULL;
    *np = 0;
    err = ctl_sysfs_path(root, full, sizeof full, "%s", dir);
    if (err) {
        return err;
    }
    d = opendir(full);
    if (!d) {
        return -errno;
    }
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")
            || strncmp(de->d_name, prefix, plen)) {
            continue;
        }
        if (n == cap) {
            char **p = ctl_xrealloc(names, (cap ? cap * 2 : 16) * sizeof *p);

            if (!p) {
                err = -ENOMEM;
                goto error;
            }
            names = p;
            cap = cap ? cap * 2 : 16;
        }
        names[n] = ctl_xstrdup(de->d_name);
        if (!names[n]) {
            err = -ENOMEM;
            goto error;
        }
        n++;
    }
    closedir(d);
    if (n) {
        qsort(names, n, sizeof *names, compare_names);
    }
    *namesp = names;
    *np = n;
    return 0;

error:
    closedir(d);
    ctl_sysfs_free_names(names, n);
    return err;
}

int
ctl_sysfs_stat(const char *root, const char *path, struct stat *st)
{
    char full[PATH_MAX];
    int err;

    err = ctl_sysfs_path(root, full, sizeof full, "%s", path);
    if (err) {
        return err;
    }
    return stat(full, st) ? -errno : 0;
}

bool
ctl_sysfs_exists(const char *root, const char *path)
{
    struct stat st;

    return !ctl_sysfs_stat(root, path, &st);
}

/* 'n' hex digits at 's', none more: their value, or -1. */
static long
hex_field(const char *s, size_t n)
{
    long v = 0;

    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char) s[i])) {
            return -1;
        }
        v = v * 16 + (isdigit((unsigned char) s[i])
                      ? s[i] - '0' : tolower((unsigned char) s[i]) - 'a' + 10);
    }
    return isxdigit((unsigned char) s[n]) ? -1 : v;
}

size_t
ctl_sysfs_parse_pci(const char *s, char out[CTL_PCI_ADDR_LEN])
{
    /* "BB:DD.F" is 7 characters, with the domain "DDDD:" 5 more. */
    const char *p = strspn(s, "0123456789abcdefABCDEF:.") >= 12 ? s + 5 : s;
    long dom = 0, bus, dev = -1, fn = -1;

    if (p != s && ((dom = hex_field(s, 4)) < 0 || s[4] != ':')) {
        return 0;
    }
    bus = hex_field(p, 2);
    if (bus >= 0 && p[2] == ':') {
        dev = hex_field(p + 3, 2);
    }
    if (dev >= 0 && p[5] == '.') {
        fn = hex_field(p + 6, 1);
    }
    if (dev > 0x1f || fn < 0 || fn > 7 || (p[7] && p[7] != ',')) {
        return 0;
    }
    snprintf(out, CTL_PCI_ADDR_LEN, "%04x:%02x:%02x.%x",
             (unsigned) dom & 0xffff, (unsigned) bus & 0xff,
             (unsigned) dev & 0x1f, (unsigned) fn & 7);
    return p + 7 - s;
}

void
ctl_sysfs_read_nodes(const char *root, struct ctl_nodes *nodes)
{
    char **names;
    size_t n;

    memset(nodes, 0, sizeof *nodes);
    if (ctl_sysfs_list(root, "/sys/devices/system/node", "node", &names,
                       &n)) {
        return;
    }
    for (size_t i = 0; i < n && nodes->n < CTL_MAX_NODES; i++) {
        char path[PATH_MAX], list[4096], *end;
        unsigned long id;

        if (!isdigit((unsigned char) names[i][4])) {
            continue;
        }
        id = strtoul(names[i] + 4, &end, 10);
        if (*end || id >= CTL_MAX_NODES) {
            continue;
        }
        snprintf(path, sizeof path, "/sys/devices/system/node/%s/cpulist",
                 names[i]);
        nodes->id[nodes->n] = id;
        if (ctl_sysfs_read(root, path, list, sizeof list) >= 0) {
            cpuset_parse_list(list, &nodes->cpus[nodes->n]);
        }
        nodes->n++;
    }
    ctl_sysfs_free_names(names, n);
}

int
ctl_sysfs_cpu_node(const struct ctl_nodes *nodes, unsigned cpu)
{
    for (int i = 0; i < nodes->n; i++) {
        if (cpuset_has(&nodes->cpus[i], cpu)) {
            return nodes->id[i];
        }
    }
    return -1;
}

const struct cpuset *
ctl_sysfs_node_cpus(const struct ctl_nodes *nodes, int node)
{
    for (int i = 0; i < nodes->n; i++) {
        if (nodes->id[i] == node) {
            return &nodes->cpus[i];
        }
    }
    return NULL;
}
