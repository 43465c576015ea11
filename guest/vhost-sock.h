/* Checks of the vhost-user sockets that gfp-fwd's virtio-user ports will
 * listen on, made before the EAL starts. */
#ifndef GFP_VHOST_SOCK_H
#define GFP_VHOST_SOCK_H 1

#include <stddef.h>

/* For every "--vdev net_virtio_user...,server=1,path=P" in the EAL
 * arguments: fails if P is a socket some process still listens on, and
 * removes P if it is a socket nobody listens on (left by a guest that died),
 * so that the port can bind it.  Returns 0, or -EADDRINUSE / -ENOTSOCK with
 * a message in 'err'. */
int vhost_sock_prepare(int argc, char *argv[], char *err, size_t err_size);

#endif /* vhost-sock.h */
