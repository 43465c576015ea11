#include <config.h>
#include "mode-dpdk-pci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "log.h"
#include "pci-bind.h"
#include "port-netdev.h"

LOG_MODULE(mode_dpdk_pci);

#define SYSFS "/sys"

/* How long a kernel driver may take to make a device's interface. */
#define NETDEV_WAIT_MS 3000

/* A device DPDK mode drives, in port order, and the user-space driver it
 * goes back to. */
struct pci_nic {
    char bdf[PCI_BIND_NAME_LEN];
    char user_driver[PCI_BIND_NAME_LEN];
    bool probed;                /* The EAL holds it (its port may be closed). */
};

/* The process's devices, found once: those the EAL probed at start, or,
 * when gfp-fwd started in another mode, those the EAL was given. */
static struct {
    struct pci_nic nics[CONFIG_MAX_PORTS];
    unsigned n;
} pci;

/* The PCI address of ethdev 'port', or NULL if it is no PCI device. */
static const char *
pci_name(uint16_t port)
{
    struct rte_eth_dev_info info;
    const struct rte_bus *bus;

    if (rte_eth_dev_info_get(port, &info) || !info.device) {
        return NULL;
    }
    bus = rte_dev_bus(info.device);
    return bus && !strcmp(rte_bus_name(bus), "pci")
           ? rte_dev_name(info.device) : NULL;
}

static void
add_nic(const char *bdf, const char *user_driver, bool probed)
{
    struct pci_nic *nic = &pci.nics[pci.n++];

    snprintf(nic->bdf, sizeof nic->bdf, "%s", bdf);
    snprintf(nic->user_driver, sizeof nic->user_driver, "%s", user_driver);
    nic->probed = probed;
}

/* Detaches 'nic' from the EAL, which closes its port if open. */
static void
nic_detach(struct pci_nic *nic)
{
    if (nic->probed) {
        rte_eal_hotplug_remove("pci", nic->bdf);
        nic->probed = false;
    }
}

/* The user-space driver for a device a kernel driver holds now: vfio-pci
 * where it can work, else uio_pci_generic. */
static const char *
choose_user_driver(void)
{
    char err[PCI_BIND_ERR_LEN];

    return !access(SYSFS "/bus/pci/drivers/vfio-pci", F_OK)
           && pci_bind_vfio_usable(SYSFS, err)
           ? "vfio-pci" : "uio_pci_generic";
}

static void
discover(void)
{
    struct rte_devargs *da;
    uint16_t port;

    if (pci.n) {
        return;
    }
    /* Called while DPDK mode's ports are open, in port order. */
    RTE_ETH_FOREACH_DEV (port) {
        const char *bdf = pci_name(port);
        char driver[PCI_BIND_NAME_LEN];

        if (bdf && pci.n < CONFIG_MAX_PORTS
            && !pci_bind_driver(SYSFS, bdf, driver)
            && pci_bind_is_user_driver(driver)) {
            add_nic(bdf, driver, true);
        }
    }
    if (pci.n) {
        return;
    }
    RTE_EAL_DEVARGS_FOREACH ("pci", da) {
        char driver[PCI_BIND_NAME_LEN];

        if (pci.n < CONFIG_MAX_PORTS
            && !pci_bind_driver(SYSFS, da->name, driver)
            && driver[0] && !pci_bind_is_user_driver(driver)) {
            add_nic(da->name, choose_user_driver(), false);
        }
    }
}

int
dpdk_pci_check_move(const struct config *cfg, char err[CONFIG_ERR_LEN])
{
    char why[PCI_BIND_ERR_LEN];

    discover();
    if (!pci.n) {
        return 0;
    }
    if (cfg->n_ifaces != pci.n) {
        snprintf(err, CONFIG_ERR_LEN, "DPDK mode's ports are %u PCI devices, "
                 "which a switch hands to their kernel driver and back: "
                 "'ifaces' must name the %u interfaces they take there "
                 "(it names %u)", pci.n, pci.n, cfg->n_ifaces);
        return -EINVAL;
    }
    for (unsigned i = 0; i < pci.n; i++) {
        const struct pci_nic *nic = &pci.nics[i];
        char path[96];

        snprintf(path, sizeof path, SYSFS "/bus/pci/drivers/%s",
                 nic->user_driver);
        if (access(path, F_OK)) {
            snprintf(err, CONFIG_ERR_LEN, "%s: its driver for DPDK, %s, is "
                     "not loaded", nic->bdf, nic->user_driver);
            return -ENOENT;
        }
        if (!strcmp(nic->user_driver, "vfio-pci")
            && !pci_bind_vfio_usable(SYSFS, why)) {
            snprintf(err, CONFIG_ERR_LEN, "%s: %.200s", nic->bdf, why);
            return -EPERM;
        }
    }
    return 1;
}

/* Device 'i' to its kernel driver, its interface named and left down. */
static int
nic_to_kernel(const struct config *cfg, unsigned i, char err[CONFIG_ERR_LEN])
{
    struct pci_nic *nic = &pci.nics[i];
    char why[PCI_BIND_ERR_LEN], driver[PCI_BIND_NAME_LEN], ifname[16];
    const char *name = cfg->ifaces[i];
    int error;

    nic_detach(nic);
    error = pci_bind_to_kernel(SYSFS, nic->bdf, driver, why);
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "%s", why);
        return error;
    }
    error = pci_bind_wait_netdev(SYSFS, nic->bdf, ifname, NETDEV_WAIT_MS);
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "%s: %s took it, but no network "
                 "interface appeared in %d ms (is its network driver, such "
                 "as virtio_net, loaded?)", nic->bdf, driver,
                 NETDEV_WAIT_MS);
        return -ENODEV;
    }
    error = port_netdev_set_up(ifname, false);
    error = error ? error : port_netdev_rename(ifname, name);
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "%s: cannot name its interface %s "
                 "%s: %s", nic->bdf, ifname, name, strerror(-error));
        return error;
    }
    error = port_netdev_set_mtu(name, cfg->mtu);
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "%s: %s: cannot set MTU %u: %s",
                 nic->bdf, name, cfg->mtu, strerror(-error));
        return error;
    }
    LOG_INFO("%s: from %s to %s, interface %s", nic->bdf, nic->user_driver,
             driver, name);
    return 0;
}

int
dpdk_pci_leave(const struct config *cfg, char err[CONFIG_ERR_LEN])
{
    for (unsigned i = 0; i < pci.n; i++) {
        int error = nic_to_kernel(cfg, i, err);

        if (error) {
            return error;
        }
    }
    return 0;
}

/* Device 'i' to its user-space driver, probed by the EAL. */
static int
nic_to_user(unsigned i, char err[CONFIG_ERR_LEN])
{
    struct pci_nic *nic = &pci.nics[i];
    char why[PCI_BIND_ERR_LEN], ifname[16];
    int error;

    /* Nothing comes in on its interface any more. */
    if (!pci_bind_netdev(SYSFS, nic->bdf, ifname)) {
        port_netdev_set_up(ifname, false);
    }
    /* Still probed when a failed switch left it with DPDK, its port
     * closed: probed again, it has a port again. */
    nic_detach(nic);
    error = pci_bind_to(SYSFS, nic->bdf, nic->user_driver, why);
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "%s", why);
        return error;
    }
    error = rte_dev_probe(nic->bdf);
    nic->probed = !error;
    if (error) {
        snprintf(err, CONFIG_ERR_LEN, "%s: the EAL cannot probe it on %s: "
                 "%s (see the EAL's message in the log)", nic->bdf,
                 nic->user_driver, rte_strerror(-error));
        return error;
    }
    LOG_INFO("%s: to %s, probed by the EAL", nic->bdf, nic->user_driver);
    return 0;
}

int
dpdk_pci_claim(const struct config *cfg, char err[CONFIG_ERR_LEN])
{
    for (unsigned i = 0; i < pci.n; i++) {
        int error = nic_to_user(i, err);

        if (error) {
            char err2[CONFIG_ERR_LEN];

            if (dpdk_pci_leave(cfg, err2)) {
                LOG_ERR("after a failed switch to DPDK mode, the devices "
                        "do not go back to their kernel driver: %s", err2);
            }
            return error;
        }
    }
    return 0;
}
