/* DPDK mode on PCI devices, across a live switch.
 *
 * In DPDK mode a PCI NIC belongs to a user-space driver (vfio-pci,
 * uio_pci_generic) and the EAL's poll-mode driver; the modes over kernel
 * interfaces (mmap, xdp) need the interface its kernel driver makes
 * (virtio-pci with virtio_net, iavf, i40e).  A switch out of DPDK mode
 * detaches each device from the EAL and hands it to its kernel driver,
 * naming its new interface as the configuration's 'ifaces' say; a switch
 * back hands it to its user-space driver again and the EAL probes it.
 *
 * Used by mode-dpdk.c only, with the EAL up. */
#ifndef GFP_GUEST_MODE_DPDK_PCI_H
#define GFP_GUEST_MODE_DPDK_PCI_H 1

#include "gfp-config.h"

/* 1 if a switch from or to DPDK mode moves PCI devices (DPDK's ports are
 * PCI devices, or the EAL was given PCI devices that a kernel driver
 * holds), 0 if not, or a negative errno, said in 'err', when they could
 * not move: no 'ifaces' to name their interfaces, a user-space driver
 * that is not there.  Nothing changes. */
int dpdk_pci_check_move(const struct config *, char err[CONFIG_ERR_LEN]);

/* Hands every device to its kernel driver, once DPDK's ports are closed:
 * detached from the EAL, bound, its interface named 'ifaces'[i], its MTU
 * at least the configured one, left down (the next mode's port sets it
 * up once it can take in frames). */
int dpdk_pci_leave(const struct config *, char err[CONFIG_ERR_LEN]);

/* Hands every device back to its user-space driver (its interface set
 * down first) and has the EAL probe it.  On failure, every device goes
 * back to its kernel driver. */
int dpdk_pci_claim(const struct config *, char err[CONFIG_ERR_LEN]);

#endif /* mode-dpdk-pci.h */
