/* gfp-ctl compat: the compatibility matrix and driver versions, for
 * compat.c (the command). */
#ifndef GFP_CTL_COMPAT_H
#define GFP_CTL_COMPAT_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "gfp-mode.h"

#define COMPAT_VERSION_MAX 4
#define COMPAT_KERNEL_PREFIX "kernel-"
#define COMPAT_DRIVER_NAME_MAX 64     /* With its NUL. */

/* A driver version: a driver's own numbering ("2.22.18") or, for an
 * in-tree driver without one, the kernel release ("kernel-6.1"). */
enum compat_version_kind { COMPAT_VK_DRIVER, COMPAT_VK_KERNEL };

struct compat_version {
    enum compat_version_kind kind;
    unsigned n;                 /* Number of components. */
    unsigned long c[COMPAT_VERSION_MAX];
    char text[48];              /* As written, without a suffix. */
};

struct compat_row {
    enum gfp_mode mode;
    const char *host;           /* Host PF driver. */
    const char *guest;          /* Guest driver: kernel driver or DPDK PMD. */
    bool has_host_min, has_guest_min, has_guest_max;
    struct compat_version host_min, guest_min, guest_max;
    bool native_same;           /* Native PF version = the guest's own. */
    size_t n_native;
    struct compat_version native[2];   /* At most one per kind. */
    const char *note;
};

struct compat_matrix {
    json_t *json;               /* Owns the strings of 'rows'. */
    struct compat_row *rows;
    size_t n_rows;
};

/* Parses 'in' as [kernel-]N[.N]... with at most four components.  When
 * 'strict', nothing may follow; otherwise a suffix that starts with
 * neither a digit nor a dot ("-k", "-18-amd64") is ignored.  Returns 0 or a
 * negative errno. */
int compat_version_parse(const char *in, bool strict, struct compat_version *);
void compat_version_format(const struct compat_version *, char *buf,
                           size_t size);
/* Compares the first 'n' components, missing ones counting as 0. */
int compat_version_cmp(const struct compat_version *,
                       const struct compat_version *, unsigned n);
bool compat_version_at_least(const struct compat_version *,
                             const struct compat_version *min);
bool compat_version_at_most(const struct compat_version *,
                            const struct compat_version *max);

/* "an in-tree (kernel release)" or "a driver" version, for messages. */
const char *compat_version_kind_name(enum compat_version_kind);

/* Letters, digits, '_' and '-', as driver names are, and shorter than
 * COMPAT_DRIVER_NAME_MAX. */
bool compat_driver_name_valid(const char *);

/* Reads and checks the matrix at 'path'.  Returns 0, or a negative errno
 * with 'err' saying what is wrong and where. */
int compat_matrix_load(const char *path, struct compat_matrix *,
                       char *err, size_t err_size);
void compat_matrix_destroy(struct compat_matrix *);

/* The matrix to use: 'arg' (--matrix), else $GFP_COMPAT_MATRIX, else the
 * installed one, else the source tree's (an uninstalled build). */
const char *compat_matrix_path(const char *arg);

/* Whether 'name' is in the host (else guest) column of any row. */
bool compat_matrix_has(const struct compat_matrix *, const char *name,
                       bool host);

#endif /* compat.h */
