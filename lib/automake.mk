noinst_LTLIBRARIES += lib/libgfp.la
lib_libgfp_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(NUMA_CFLAGS)
lib_libgfp_la_LIBADD = $(JANSSON_LIBS) $(NUMA_LIBS)
lib_libgfp_la_SOURCES = \
	lib/gfp-config.c \
	lib/gfp-config.h \
	lib/gfp-mode.c \
	lib/gfp-mode.h \
	lib/cycles.c \
	lib/cycles.h \
	lib/ctl.c \
	lib/ctl.h \
	lib/counter.h \
	lib/ctl-client.c \
	lib/ctl-private.h \
	lib/ctl-request.c \
	lib/fwd-engine.c \
	lib/fwd-engine.h \
	lib/fwd-io.c \
	lib/fwd-l2.c \
	lib/fwd-macswap.c \
	lib/log.c \
	lib/log.h \
	lib/numa-info.c \
	lib/numa-info.h \
	lib/pci-bind.c \
	lib/pci-bind.h \
	lib/port.c \
	lib/port.h \
	lib/port-mmap.c \
	lib/port-netdev.c \
	lib/port-netdev.h \
	lib/port-provider.h \
	lib/port-xdp.h \
	lib/stats.c \
	lib/stats.h \
	lib/tpacket.c \
	lib/tpacket.h \
	lib/tpacket-private.h \
	lib/tpacket-tx.c \
	lib/util.c \
	lib/util.h

# AF_XDP ports where libxdp and libbpf are found, else a stub that refuses
# to open one: callers never ask which.
if HAVE_XDP
lib_libgfp_la_SOURCES += lib/port-xdp.c lib/port-xdp-private.h lib/port-xdp-rxtx.c
lib_libgfp_la_CFLAGS += $(XDP_CFLAGS)
lib_libgfp_la_LIBADD += $(XDP_LIBS)
else
lib_libgfp_la_SOURCES += lib/port-xdp-stub.c
endif

# The DPDK backend, apart so that DPDK-free programs need not link it.
if HAVE_DPDK
noinst_LTLIBRARIES += lib/libgfp-dpdk.la
lib_libgfp_dpdk_la_CFLAGS = $(AM_CFLAGS) $(DPDK_CFLAGS) $(JANSSON_CFLAGS)
lib_libgfp_dpdk_la_LIBADD = lib/libgfp.la $(DPDK_LIBS)
lib_libgfp_dpdk_la_SOURCES = lib/port-dpdk.c
endif
