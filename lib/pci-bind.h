/* A PCI device's driver, read and changed through sysfs: how a guest moves
 * a NIC between a kernel driver that gives it a netdev (virtio-pci, iavf,
 * i40e) and one a DPDK poll-mode driver opens (vfio-pci, uio_pci_generic),
 * without a reboot.
 *
 * Every function takes the sysfs root ("/sys", or a crafted tree in
 * tests) and a PCI address in the kernel's form, "0000:00:10.0". */
#ifndef GFP_PCI_BIND_H
#define GFP_PCI_BIND_H 1

#include <stdbool.h>
#include <stddef.h>

#define PCI_BIND_ERR_LEN 256
#define PCI_BIND_NAME_LEN 64    /* A driver's name, with its NUL. */

/* 0 if 'bdf' is DDDD:BB:DD.F in lowercase hex (device 0-1f, function
 * 0-7), else -EINVAL. */
int pci_bind_check_bdf(const char *bdf);

/* Writes the name of the driver bound to 'bdf' to 'driver' ("" when none)
 * and returns 0, or -ENOENT when there is no such device. */
int pci_bind_driver(const char *root, const char *bdf,
                    char driver[PCI_BIND_NAME_LEN]);

/* Writes the name of the network interface the kernel made for 'bdf'
 * (under the device itself, or under its virtio device) to 'ifname' and
 * returns 0, or -ENOENT when it has none (yet). */
int pci_bind_netdev(const char *root, const char *bdf, char ifname[16]);

/* Like pci_bind_netdev(), polling every 10 ms for up to 'timeout_ms': the
 * netdev appears a little after the driver binds. */
int pci_bind_wait_netdev(const char *root, const char *bdf, char ifname[16],
                         int timeout_ms);

/* Whether vfio-pci can take a device here: the kernel has IOMMU groups
 * (an IOMMU, a vIOMMU in a guest), or vfio is in no-IOMMU mode.  If not,
 * returns false and says why in 'err'. */
bool pci_bind_vfio_usable(const char *root, char err[PCI_BIND_ERR_LEN]);

/* Binds 'bdf' to 'driver': unbinds it from its current driver, names
 * 'driver' in driver_override, asks the kernel to probe, and checks that
 * 'driver' took it.  Returns 0 (also when it was bound to 'driver'
 * already), or a negative errno with one line in 'err' naming the device,
 * the driver and why; then the device is back with the driver it had, as
 * far as the kernel lets it. */
int pci_bind_to(const char *root, const char *bdf, const char *driver,
                char err[PCI_BIND_ERR_LEN]);

/* Whether 'driver' gives a device to a user-space driver (vfio-pci,
 * uio_pci_generic, igb_uio) rather than to a kernel one. */
bool pci_bind_is_user_driver(const char *driver);

/* Binds 'bdf' to its kernel driver, the one whose ID table matches it (the
 * kernel chooses: no override), and writes that driver's name to
 * 'driver'.  Returns 0 (also when a kernel driver has it already), or a
 * negative errno with one line in 'err': no driver loaded takes it
 * (-ENODEV), or what the kernel said; then the device is back with the
 * driver it had, as far as the kernel lets it. */
int pci_bind_to_kernel(const char *root, const char *bdf,
                       char driver[PCI_BIND_NAME_LEN],
                       char err[PCI_BIND_ERR_LEN]);

#endif /* pci-bind.h */
