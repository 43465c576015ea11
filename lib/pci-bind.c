#include <config.h>

#include "pci-bind.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
pci_bind_check_bdf(const char *bdf)
{
    /* "dddd:bb:dd.f": positions of the separators, then the ranges. */
    static const char shape[] = "xxxx:xx:xx.x";

    if (strlen(bdf) != sizeof shape - 1) {
        return -EINVAL;
    }
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == 'x' ? !isxdigit((unsigned char) bdf[i])
                              || isupper((unsigned char) bdf[i])
                            : bdf[i] != shape[i]) {
            return -EINVAL;
        }
    }
    return strtol(bdf + 8, NULL, 16) <= 0x1f && bdf[11] <= '7'
           ? 0 : -EINVAL;
}

static bool
driver_name_ok(const char *name)
{
    size_t n = strlen(name);

    if (!n || n >= PCI_BIND_NAME_LEN) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char) name[i]) && !strchr("_-", name[i])) {
            return false;
        }
    }
    return true;
}

static void
dev_path(char *buf, size_t size, const char *root, const char *bdf,
         const char *attr)
{
    snprintf(buf, size, "%s/bus/pci/devices/%s%s%s", root, bdf,
             attr ? "/" : "", attr ? attr : "");
}

/* Writes 'value' to the sysfs attribute 'path': 0 or a negative errno (what
 * the kernel said: ENODEV, EBUSY, ...). */
static int
write_attr(const char *path, const char *value)
{
    size_t len = strlen(value);
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    ssize_t n;
    int error;

    if (fd < 0) {
        return -errno;
    }
    n = write(fd, value, len);
    error = n < 0 ? -errno : (size_t) n != len ? -EIO : 0;
    close(fd);
    return error;
}

int
pci_bind_driver(const char *root, const char *bdf,
                char driver[PCI_BIND_NAME_LEN])
{
    char path[PATH_MAX], target[PATH_MAX];
    const char *base;
    ssize_t n;

    driver[0] = '\0';
    dev_path(path, sizeof path, root, bdf, NULL);
    if (access(path, F_OK)) {
        return -ENOENT;
    }
    dev_path(path, sizeof path, root, bdf, "driver");
    n = readlink(path, target, sizeof target - 1);
    if (n < 0) {
        return 0;
    }
    target[n] = '\0';
    base = strrchr(target, '/');
    base = base ? base + 1 : target;
    if (strlen(base) >= PCI_BIND_NAME_LEN) {
        return -ENAMETOOLONG;
    }
    memcpy(driver, base, strlen(base) + 1);
    return 0;
}

/* The first entry of directory 'path' that is not "." or "..", into
 * 'name': 0, or -ENOENT. */
static int
first_entry(const char *path, char *name, size_t size)
{
    DIR *dir = opendir(path);
    struct dirent *de;
    int error = -ENOENT;

    if (!dir) {
        return -ENOENT;
    }
    while ((de = readdir(dir))) {
        if (de->d_name[0] != '.' && strlen(de->d_name) < size) {
            snprintf(name, size, "%s", de->d_name);
            error = 0;
            break;
        }
    }
    closedir(dir);
    return error;
}

int
pci_bind_netdev(const char *root, const char *bdf, char ifname[16])
{
    char path[PATH_MAX], sub[256];
    DIR *dir;
    struct dirent *de;
    int error;

    /* A PCI NIC driver (i40e, iavf) puts its netdev under the device. */
    dev_path(path, sizeof path, root, bdf, "net");
    if (!first_entry(path, ifname, 16)) {
        return 0;
    }
    /* virtio-pci makes a virtio device, whose virtio_net has the netdev. */
    dev_path(path, sizeof path, root, bdf, NULL);
    dir = opendir(path);
    if (!dir) {
        return -ENOENT;
    }
    error = -ENOENT;
    while (error && (de = readdir(dir))) {
        if (!strncmp(de->d_name, "virtio", 6)
            && strlen(de->d_name) < sizeof sub - 5) {
            char net[PATH_MAX];

            snprintf(sub, sizeof sub, "%s/net", de->d_name);
            dev_path(net, sizeof net, root, bdf, sub);
            error = first_entry(net, ifname, 16);
        }
    }
    closedir(dir);
    return error;
}

int
pci_bind_wait_netdev(const char *root, const char *bdf, char ifname[16],
                     int timeout_ms)
{
    const struct timespec tick = { 0, 10 * 1000 * 1000 };

    for (int waited = 0; ; waited += 10) {
        int error = pci_bind_netdev(root, bdf, ifname);

        if (!error || waited >= timeout_ms) {
            return error;
        }
        nanosleep(&tick, NULL);
    }
}

bool
pci_bind_vfio_usable(const char *root, char err[PCI_BIND_ERR_LEN])
{
    char path[PATH_MAX], name[64], mode[8] = "";
    FILE *f;

    snprintf(path, sizeof path, "%s/kernel/iommu_groups", root);
    if (!first_entry(path, name, sizeof name)) {
        return true;
    }
    snprintf(path, sizeof path,
             "%s/module/vfio/parameters/enable_unsafe_noiommu_mode", root);
    f = fopen(path, "re");
    if (f) {
        bool on = fgets(mode, sizeof mode, f) && mode[0] == 'Y';

        fclose(f);
        if (on) {
            return true;
        }
        snprintf(err, PCI_BIND_ERR_LEN, "vfio-pci: no IOMMU here and vfio's "
                 "no-IOMMU mode is off (modprobe vfio "
                 "enable_unsafe_noiommu_mode=1, or give the guest a vIOMMU)");
    } else {
        snprintf(err, PCI_BIND_ERR_LEN, "vfio-pci: no IOMMU here and a "
                 "kernel without vfio's no-IOMMU mode: give the guest a "
                 "vIOMMU, or use uio_pci_generic");
    }
    return false;
}

bool
pci_bind_is_user_driver(const char *driver)
{
    static const char *const user[] = {
        "vfio-pci", "uio_pci_generic", "igb_uio",
    };

    for (size_t i = 0; i < sizeof user / sizeof *user; i++) {
        if (!strcmp(driver, user[i])) {
            return true;
        }
    }
    return false;
}

/* Hands 'bdf' to 'driver' (NULL: whichever driver's ID table matches)
 * through driver_override and a probe; the override is cleared again
 * whatever happened, so that a later probe (a rebind by someone else) is
 * not tied to it. */
static int
probe_with(const char *root, const char *bdf, const char *driver)
{
    char path[PATH_MAX];
    int error;

    dev_path(path, sizeof path, root, bdf, "driver_override");
    error = write_attr(path, driver ? driver : "\n");
    if (!error) {
        snprintf(path, sizeof path, "%s/bus/pci/drivers_probe", root);
        error = write_attr(path, bdf);
        dev_path(path, sizeof path, root, bdf, "driver_override");
        write_attr(path, "\n");
    }
    return error;
}

/* Unbinds 'bdf' from 'old' (nothing if ""). */
static int
unbind(const char *root, const char *bdf, const char *old,
       char err[PCI_BIND_ERR_LEN])
{
    char path[PATH_MAX];
    int error;

    if (!old[0]) {
        return 0;
    }
    dev_path(path, sizeof path, root, bdf, "driver/unbind");
    error = write_attr(path, bdf);
    if (error) {
        snprintf(err, PCI_BIND_ERR_LEN, "%s: unbinding it from %s: %s",
                 bdf, old, strerror(-error));
    }
    return error;
}

int
pci_bind_to_kernel(const char *root, const char *bdf,
                   char driver[PCI_BIND_NAME_LEN], char err[PCI_BIND_ERR_LEN])
{
    char old[PCI_BIND_NAME_LEN];
    int error;

    driver[0] = '\0';
    if (pci_bind_check_bdf(bdf) || pci_bind_driver(root, bdf, old)) {
        snprintf(err, PCI_BIND_ERR_LEN, "no PCI device %.40s", bdf);
        return -ENOENT;
    }
    if (old[0] && !pci_bind_is_user_driver(old)) {
        memcpy(driver, old, sizeof old);
        return 0;
    }
    error = unbind(root, bdf, old, err);
    if (error) {
        return error;
    }
    error = probe_with(root, bdf, NULL);
    pci_bind_driver(root, bdf, driver);
    if (!error && (!driver[0] || pci_bind_is_user_driver(driver))) {
        error = -ENODEV;
    }
    if (error) {
        snprintf(err, PCI_BIND_ERR_LEN, "%s: no kernel driver took the "
                 "device (%s: is its driver loaded?  See the kernel log)",
                 bdf, strerror(-error));
        if (driver[0] && strcmp(driver, old)) {
            char scratch[PCI_BIND_ERR_LEN];

            unbind(root, bdf, driver, scratch);
        }
        if (old[0]) {
            probe_with(root, bdf, old);
        }
        driver[0] = '\0';
    }
    return error;
}

int
pci_bind_to(const char *root, const char *bdf, const char *driver,
            char err[PCI_BIND_ERR_LEN])
{
    char path[PATH_MAX], old[PCI_BIND_NAME_LEN], now[PCI_BIND_NAME_LEN];
    int error;

    if (pci_bind_check_bdf(bdf)) {
        snprintf(err, PCI_BIND_ERR_LEN, "'%.40s' is no PCI address (expected "
                 "DDDD:BB:DD.F, e.g. 0000:00:10.0)", bdf);
        return -EINVAL;
    }
    if (!driver_name_ok(driver)) {
        snprintf(err, PCI_BIND_ERR_LEN, "'%.40s' is no driver name", driver);
        return -EINVAL;
    }
    if (pci_bind_driver(root, bdf, old)) {
        snprintf(err, PCI_BIND_ERR_LEN, "no PCI device %s", bdf);
        return -ENOENT;
    }
    if (!strcmp(old, driver)) {
        return 0;
    }
    snprintf(path, sizeof path, "%s/bus/pci/drivers/%s", root, driver);
    if (access(path, F_OK)) {
        snprintf(err, PCI_BIND_ERR_LEN, "%s: driver %s is not loaded", bdf,
                 driver);
        return -ENOENT;
    }
    if (!strcmp(driver, "vfio-pci") && !pci_bind_vfio_usable(root, err)) {
        return -EPERM;
    }
    error = unbind(root, bdf, old, err);
    if (error) {
        return error;
    }
    error = probe_with(root, bdf, driver);
    if (!error) {
        pci_bind_driver(root, bdf, now);
        error = strcmp(now, driver) ? -ENODEV : 0;
    }
    if (error) {
        snprintf(err, PCI_BIND_ERR_LEN, "%s: %s did not take the device "
                 "(%s; see the kernel log)", bdf, driver, strerror(-error));
        if (old[0]) {
            probe_with(root, bdf, old);
        }
    }
    return error;
}
