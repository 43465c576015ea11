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
