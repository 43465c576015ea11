/* ctl-sysfs: what gfp-ctl preflight and compat read from the system.
 *
 * Every absolute path of the system's (/sys, /proc, /dev, /etc,
 * /lib/modules, /var/run) is read under a root prefix, "" for the real
 * system, so that tests can point the checks at a crafted tree.  Programs
 * are run with ctl_run() (ctl-util.h), never through a shell.
 *
 * Functions return 0 (or a length) on success and a negative errno on
 * failure. */
#ifndef GFP_CTL_SYSFS_H
#define GFP_CTL_SYSFS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "cpuset.h"

#define CTL_MAX_NODES 64
#define CTL_PCI_ADDR_LEN 13     /* "0000:af:00.0" and its NUL. */

/* Writes ROOT followed by the formatted path into 'buf'.  -ENAMETOOLONG if
 * it does not fit. */
int ctl_sysfs_path(const char *root, char *buf, size_t size,
                   const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reads at most 'size' - 1 bytes of ROOT/PATH into 'buf', NUL-terminated,
 * with trailing white space removed.  Returns the length. */
int ctl_sysfs_read(const char *root, const char *path, char *buf,
                   size_t size);

/* Reads all of ROOT/PATH into a malloc'd, NUL-terminated buffer. */
int ctl_sysfs_slurp(const char *root, const char *path, char **data,
                    size_t *len);

/* Reads ROOT/PATH as one decimal number (a sysfs counter). */
int ctl_sysfs_read_uint(const char *root, const char *path,
                        unsigned long long *out);

/* Reads ROOT/PATH as a signed decimal number (numa_node is -1 when the
 * platform has no NUMA). */
int ctl_sysfs_read_int(const char *root, const char *path, long long *out);

/* The last component of the target of the symbolic link ROOT/PATH: the
 * driver name of a .../device/driver link. */
int ctl_sysfs_link_name(const char *root, const char *path, char *buf,
                        size_t size);

/* The names in directory ROOT/DIR that start with 'prefix' (all if ""),
 * sorted, without "." and "..".  Free with ctl_sysfs_free_names(). */
int ctl_sysfs_list(const char *root, const char *dir, const char *prefix,
                   char ***names, size_t *n);
void ctl_sysfs_free_names(char **names, size_t n);

/* stat() or lstat() of ROOT/PATH. */
int ctl_sysfs_stat(const char *root, const char *path, struct stat *st);
bool ctl_sysfs_exists(const char *root, const char *path);

/* Parses the PCI address that starts 's', "[DDDD:]BB:DD.F" with hex
 * digits in exactly those widths (domain 0000 when left out, device at
 * most 1f, function at most 7), as sysfs and DPDK's dpdk-devargs spell it.
 * What follows the address must be the end of 's' or a ',' (dpdk-devargs
 * options such as "0000:01:00.0,representor=[0]", ignored here).  Writes
 * the address as sysfs names it, "0000:af:00.0", to 'out' and returns the
 * length of the address in 's', or 0 if 's' does not start with one. */
size_t ctl_sysfs_parse_pci(const char *s, char out[CTL_PCI_ADDR_LEN]);

/* The NUMA nodes under ROOT/sys/devices/system/node, with their CPUs.
 * 'n' is 0 when the platform shows none. */
struct ctl_nodes {
    int n;
    int id[CTL_MAX_NODES];
    struct cpuset cpus[CTL_MAX_NODES];
};

void ctl_sysfs_read_nodes(const char *root, struct ctl_nodes *);

/* The node of 'cpu', or -1. */
int ctl_sysfs_cpu_node(const struct ctl_nodes *, unsigned cpu);

/* The CPUs of node 'node', or NULL. */
const struct cpuset *ctl_sysfs_node_cpus(const struct ctl_nodes *,
                                         int node);

#endif /* ctl-sysfs.h */
