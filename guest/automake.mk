bin_PROGRAMS += guest/gfp-fwd
guest_gfp_fwd_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
guest_gfp_fwd_LDADD = lib/libgfp.la $(JANSSON_LIBS) $(NUMA_LIBS)
guest_gfp_fwd_SOURCES = \
	guest/dataplane.c \
	guest/dataplane.h \
	guest/dataplane-private.h \
	guest/dataplane-stats.c \
	guest/fwd-telemetry.h \
	guest/gfp-fwd.c \
	guest/idle.c \
	guest/idle.h \
	guest/mode.c \
	guest/mode.h \
	guest/mode-ifaces.c \
	guest/mode-ifaces.h \
	guest/mode-mmap.c \
	guest/mode-switch.c \
	guest/mode-switch.h \
	guest/mode-xdp.c
# The modes: one file each (see guest/mode.h).  DPDK mode through the EAL,
# or a stub that refuses it.
if HAVE_DPDK
guest_gfp_fwd_SOURCES += guest/mode-dpdk.c guest/mode-dpdk-pci.c \
	guest/mode-dpdk-pci.h guest/fwd-telemetry.c \
	guest/vhost-sock.c guest/vhost-sock.h
guest_gfp_fwd_CFLAGS += $(DPDK_CFLAGS)
guest_gfp_fwd_LDADD += lib/libgfp-dpdk.la $(DPDK_LIBS)
else
guest_gfp_fwd_SOURCES += guest/mode-dpdk-stub.c guest/fwd-telemetry-stub.c
endif
EXTRA_DIST += guest/mode-dpdk.c guest/mode-dpdk-stub.c \
	guest/mode-dpdk-pci.c guest/mode-dpdk-pci.h \
	guest/fwd-telemetry.c guest/fwd-telemetry-stub.c \
	guest/vhost-sock.c guest/vhost-sock.h
