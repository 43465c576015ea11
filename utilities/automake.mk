dist_bin_SCRIPTS += \
	utilities/gfp-bench \
	utilities/gfp-demo \
	utilities/gfp-guest-image \
	utilities/gfp-pair \
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

# gfp-bench's harness (Python), installed as data beside the scripts: the
# package, its seats (the machinery of real paths) and its catalogue (one
# module per path or suite).
gfp_benchdir = $(pkgdatadir)/gfp_bench
dist_gfp_bench_DATA = \
	utilities/gfp_bench/__init__.py \
	utilities/gfp_bench/__main__.py \
	utilities/gfp_bench/charts.py \
	utilities/gfp_bench/config.py \
	utilities/gfp_bench/counters.py \
	utilities/gfp_bench/generator.py \
	utilities/gfp_bench/guests.py \
	utilities/gfp_bench/paths.py \
	utilities/gfp_bench/progress.py \
	utilities/gfp_bench/registry.py \
	utilities/gfp_bench/report.py \
	utilities/gfp_bench/results.py \
	utilities/gfp_bench/search.py \
	utilities/gfp_bench/seat.py \
	utilities/gfp_bench/stats.py \
	utilities/gfp_bench/tools.py \
	utilities/gfp_bench/trials.py
gfp_bench_seatsdir = $(pkgdatadir)/gfp_bench/seats
dist_gfp_bench_seats_DATA = \
	utilities/gfp_bench/seats/__init__.py \
	utilities/gfp_bench/seats/base.py \
	utilities/gfp_bench/seats/bridges.py \
	utilities/gfp_bench/seats/direct.py \
	utilities/gfp_bench/seats/ovs_pair.py \
	utilities/gfp_bench/seats/ovs_ports.py \
	utilities/gfp_bench/seats/veths.py \
	utilities/gfp_bench/seats/vm_pair.py
gfp_bench_cataloguedir = $(pkgdatadir)/gfp_bench/catalogue
dist_gfp_bench_catalogue_DATA = \
	utilities/gfp_bench/catalogue/__init__.py \
	utilities/gfp_bench/catalogue/path_both.py \
	utilities/gfp_bench/catalogue/path_direct.py \
	utilities/gfp_bench/catalogue/path_guest_dpdk.py \
	utilities/gfp_bench/catalogue/path_host_dpdk.py \
	utilities/gfp_bench/catalogue/path_reference.py \
	utilities/gfp_bench/catalogue/path_vswitch_only.py \
	utilities/gfp_bench/catalogue/suite_components.py \
	utilities/gfp_bench/catalogue/suite_paths.py
