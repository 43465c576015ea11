/* Checks of the vhost-user sockets that gfp-fwd's virtio-user ports will
 * listen on, made before the EAL starts. */
#ifndef GFP_VHOST_SOCK_H
#define GFP_VHOST_SOCK_H 1

#include <stdbool.h>
#include <stddef.h>

/* For every "--vdev net_virtio_user...,server=1,path=P" in the EAL
 * arguments: fails if P is a socket some process still listens on, and
 * removes P if it is a socket nobody listens on (left by a guest that died),
 * so that the port can bind it.  Returns 0, or -EADDRINUSE / -ENOTSOCK with
 * a message in 'err'. */
int vhost_sock_prepare(int argc, char *argv[], char *err, size_t err_size);

/* The virtio-user datapaths gfp-fwd picks from where the user has not
 * chosen (--virtio-defaults): */
enum virtio_datapath {
    VIRTIO_DP_MERGEABLE,        /* Frames span buffers: split, in order. */
    VIRTIO_DP_SPLIT_VEC,        /* One buffer: split ring, vectorized
                                 * receive. */
    VIRTIO_DP_PACKED_VEC,       /* One buffer, AVX-512: packed ring, in
                                 * order, vectorized. */
};

/* For the vdev argument 'vdev' ("net_virtio_userN,key=value,..."), writes
 * to 'out' the same with datapath 'dp''s devargs added, except those whose
 * key 'vdev' names already (the user's choice wins), and to 'added' the
 * devargs it added ("" if none).  A vdev other than a virtio-user one is
 * copied as it is.  Returns 0, or -ENAMETOOLONG if 'out' or 'added' is too
 * small. */
int vhost_sock_defaults(const char *vdev, enum virtio_datapath dp,
                        char *out, size_t size, char *added,
                        size_t added_size);

/* Returns a copy of the '*argc' EAL arguments 'argv' (then NULL) with, if
 * 'apply', every virtio-user --vdev in it passed through
 * vhost_sock_defaults() and what was added said in the log, and the EAL
 * option --force-max-simd-bitwidth=512 added (and counted in '*argc') if a
 * vdev then asks for the packed ring's vectorized paths and the user gave
 * no width.  NULL if out of memory.  Free it with vhost_sock_free_argv(). */
char **vhost_sock_apply_defaults(int *argc, char *argv[], bool apply,
                                 enum virtio_datapath dp);
void vhost_sock_free_argv(int argc, char **argv);

#endif /* vhost-sock.h */
