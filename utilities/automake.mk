dist_bin_SCRIPTS += \
	utilities/gfp-bench \
	utilities/gfp-demo \
	utilities/gfp-fwd-bench \
	utilities/gfp-guest-image \
	utilities/gfp-pair \
	utilities/gfp-pmmap-bench \
	utilities/gfp-sandbox \
	utilities/gfp-vm
dist_noinst_SCRIPTS += utilities/gfp-setup
# Run inside the guest: gfp-guest-image puts them in the image.
dist_pkgdata_SCRIPTS += utilities/gfp-guest-agent utilities/gfp-guest-bind

# gfp-ctl stats' rooms but its entry, which tests/gfp-test links too.
utilities_ctl_stats_sources = \
	utilities/ctl-stats.h \
	utilities/ctl-stats-fwd.c \
	utilities/ctl-stats-hops.c \
	utilities/ctl-stats-json.c \
	utilities/ctl-stats-kernel.c \
	utilities/ctl-stats-ovs.c \
	utilities/ctl-stats-run.c \
	utilities/ctl-stats-text.c

bin_PROGRAMS += utilities/gfp-ctl
utilities_gfp_ctl_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(YAML_CFLAGS) $(NUMA_CFLAGS)
utilities_gfp_ctl_LDADD = lib/libgfp.la $(JANSSON_LIBS) $(YAML_LIBS) $(NUMA_LIBS)
# compat finds its matrix installed in pkgdatadir, else (an uninstalled
# build) in the source tree.
utilities_gfp_ctl_CPPFLAGS = $(AM_CPPFLAGS) \
	-DGFP_PKGDATADIR='"$(pkgdatadir)"' -DGFP_SRCDIR='"$(abs_top_srcdir)"'
utilities_gfp_ctl_SOURCES = \
	utilities/ctl-compat.c \
	utilities/ctl-cpuset.c \
	utilities/ctl-cpuset.h \
	utilities/ctl-fwd.c \
	utilities/ctl-host.c \
	utilities/ctl-ovs.c \
	utilities/ctl-ovs.h \
	utilities/ctl-preflight-ovs.c \
	utilities/ctl-preflight.c \
	utilities/ctl-preflight.h \
	utilities/ctl-stats.c \
	$(utilities_ctl_stats_sources) \
	utilities/ctl-sysfs.c \
	utilities/ctl-sysfs.h \
	utilities/ctl-topology.c \
	utilities/ctl-topology.h \
	utilities/gfp-ctl.c \
	utilities/gfp-ctl.h
dist_pkgdata_DATA = utilities/compat-matrix.json

if HAVE_DPDK
bin_PROGRAMS += utilities/gfp-pktgen
utilities_gfp_pktgen_CFLAGS = $(AM_CFLAGS) $(DPDK_CFLAGS) $(JANSSON_CFLAGS)
utilities_gfp_pktgen_LDADD = lib/libgfp-dpdk.la lib/libgfp.la $(DPDK_LIBS) \
	$(JANSSON_LIBS) $(NUMA_LIBS)
utilities_gfp_pktgen_SOURCES = utilities/gfp-pktgen.c
endif

# gfp-bench's harness (Python), installed as data beside the scripts.
gfp_benchdir = $(pkgdatadir)/gfp_bench
dist_gfp_bench_DATA = \
	utilities/gfp_bench/__init__.py \
	utilities/gfp_bench/__main__.py \
	utilities/gfp_bench/charts.py \
	utilities/gfp_bench/config.py \
	utilities/gfp_bench/paths.py \
	utilities/gfp_bench/report.py \
	utilities/gfp_bench/runners.py \
	utilities/gfp_bench/results.py \
	utilities/gfp_bench/search.py \
	utilities/gfp_bench/stats.py \
	utilities/gfp_bench/trials.py
