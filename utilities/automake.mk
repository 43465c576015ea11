dist_bin_SCRIPTS += \
	utilities/gfp-demo \
	utilities/gfp-fwd-bench \
	utilities/gfp-pair \
	utilities/gfp-pmmap-bench \
	utilities/gfp-sandbox
dist_noinst_SCRIPTS += utilities/gfp-setup

bin_PROGRAMS += utilities/gfp-ctl
utilities_gfp_ctl_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(YAML_CFLAGS) $(NUMA_CFLAGS)
utilities_gfp_ctl_LDADD = lib/libgfp.la $(JANSSON_LIBS) $(YAML_LIBS) $(NUMA_LIBS)
utilities_gfp_ctl_SOURCES = \
	utilities/ctl-compat.c \
	utilities/ctl-fwd.c \
	utilities/ctl-host.c \
	utilities/ctl-preflight.c \
	utilities/ctl-stats.c \
	utilities/gfp-ctl.c \
	utilities/gfp-ctl.h

if HAVE_DPDK
bin_PROGRAMS += utilities/gfp-pktgen
utilities_gfp_pktgen_CFLAGS = $(AM_CFLAGS) $(DPDK_CFLAGS) $(JANSSON_CFLAGS)
utilities_gfp_pktgen_LDADD = lib/libgfp-dpdk.la lib/libgfp.la $(DPDK_LIBS) \
	$(JANSSON_LIBS) $(NUMA_LIBS)
utilities_gfp_pktgen_SOURCES = utilities/gfp-pktgen.c
endif
