# net_pmmap: the PacketMMAP DPDK driver, a shared object that ovs-vswitchd
# (other_config:dpdk-extra="-d PATH") or dpdk-testpmd (-d PATH) loads.
#
# It is built against the system libdpdk, with the few driver headers
# Debian's libdpdk-dev lacks copied from the DPDK source of the same
# version ($(DPDK_SDK)) into a directory of their own, searched after
# libdpdk's: the whole $(DPDK_SDK)/lib/eal/include would shadow the
# installed, generated headers.  lib/tpacket*.c and lib/util.c are compiled
# into it, not libgfp, and nothing is exported (pmmap.map): inside
# ovs-vswitchd its symbols can clash with nothing.  The driver registers
# itself from a constructor.
EXTRA_DIST += \
	vswitchd-plugin/net_pmmap.c \
	vswitchd-plugin/pmmap.h \
	vswitchd-plugin/pmmap-kernel.c \
	vswitchd-plugin/pmmap-lend.c \
	vswitchd-plugin/pmmap-rxtx.c \
	vswitchd-plugin/pmmap-stats.c \
	vswitchd-plugin/pmmap.map

if HAVE_PMMAP
pkglib_LTLIBRARIES = vswitchd-plugin/librte_net_pmmap.la
vswitchd_plugin_librte_net_pmmap_la_SOURCES = \
	vswitchd-plugin/net_pmmap.c \
	vswitchd-plugin/pmmap.h \
	vswitchd-plugin/pmmap-kernel.c \
	vswitchd-plugin/pmmap-lend.c \
	vswitchd-plugin/pmmap-rxtx.c \
	vswitchd-plugin/pmmap-stats.c \
	lib/tpacket.c \
	lib/tpacket.h \
	lib/tpacket-private.h \
	lib/tpacket-tx.c \
	lib/util.c \
	lib/util.h
vswitchd_plugin_librte_net_pmmap_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DALLOW_INTERNAL_API \
	-DRTE_LOG_DEFAULT_LOGTYPE=pmd.net.pmmap
vswitchd_plugin_librte_net_pmmap_la_CFLAGS = $(AM_CFLAGS) $(DPDK_CFLAGS) \
	-I$(top_builddir)/vswitchd-plugin/sdk-include \
	-fvisibility=hidden
vswitchd_plugin_librte_net_pmmap_la_LDFLAGS = \
	-module -avoid-version -shared \
	-Wl,--version-script=$(srcdir)/vswitchd-plugin/pmmap.map \
	-Wl,--exclude-libs,ALL \
	-Wl,-z,defs
vswitchd_plugin_librte_net_pmmap_la_LIBADD = $(DPDK_LIBS) -lrte_bus_vdev
EXTRA_vswitchd_plugin_librte_net_pmmap_la_DEPENDENCIES = \
	vswitchd-plugin/pmmap.map

# The driver headers, copied from the DPDK source tree.
PMMAP_SDK_SOURCES_H = \
	$(DPDK_SDK)/lib/ethdev/ethdev_driver.h \
	$(DPDK_SDK)/lib/ethdev/ethdev_vdev.h \
	$(DPDK_SDK)/drivers/bus/vdev/bus_vdev_driver.h \
	$(DPDK_SDK)/lib/eal/include/dev_driver.h
vswitchd-plugin/sdk-include/stamp: $(PMMAP_SDK_SOURCES_H)
	$(AM_V_GEN)$(MKDIR_P) vswitchd-plugin/sdk-include \
	  && cp $(PMMAP_SDK_SOURCES_H) vswitchd-plugin/sdk-include/ \
	  && touch $@
$(vswitchd_plugin_librte_net_pmmap_la_OBJECTS): \
	vswitchd-plugin/sdk-include/stamp
CLEANFILES += \
	vswitchd-plugin/sdk-include/stamp \
	vswitchd-plugin/sdk-include/ethdev_driver.h \
	vswitchd-plugin/sdk-include/ethdev_vdev.h \
	vswitchd-plugin/sdk-include/bus_vdev_driver.h \
	vswitchd-plugin/sdk-include/dev_driver.h
endif
