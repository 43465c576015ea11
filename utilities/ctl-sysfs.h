/* ctl-sysfs: what gfp-ctl preflight and compat read from the system.
 *
 * Every absolute path of the system's (/sys, /proc, /dev, /etc,
 * /lib/modules, /var/run) is read under a root prefix, "" for the real
 * system, so that tests can point the checks at a crafted tree.  Programs
 * (ovs-vsctl, ethtool) are run with execvp, never through a shell.
 *
 * Functions return 0 (or a length) on success and a negative errno on
 * failure. */
#ifndef GFP_CTL_SYSFS_H
#define GFP_CTL_SYSFS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

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

/* Runs argv[0] (found through $PATH) with 'argv', stdin from /dev/null,
 * for at most 'timeout_ms', and returns its exit status (0-255), or a
 * negative errno if it could not be run, was killed, or timed out
 * (-ETIMEDOUT).  Its standard output and standard error are returned
 * NUL-terminated in malloc'd '*out' and '*err' (either may be NULL to
 * discard), even on failure. */
int ctl_sysfs_run(char *const argv[], unsigned timeout_ms, char **out,
                  char **err);

#endif /* ctl-sysfs.h */
