# The JSON checks of the test suites; gfp-demo reads the hop view with it.
dist_pkgdata_SCRIPTS += tests/gfp-check.py

noinst_PROGRAMS += tests/gfp-test
tests_gfp_test_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_gfp_test_LDADD = lib/libgfp.la $(JANSSON_LIBS)
tests_gfp_test_SOURCES = \
	tests/gfp-test.c \
	tests/gfp-test.h \
	tests/gfp-test-ctl.c \
	tests/gfp-test-engine.c \
	tests/gfp-test-lend.c \
	tests/gfp-test-stats.c \
	tests/gfp-test-tpacket.c \
	tests/gfp-test-xdp-fwd.c
# gfp-ctl stats' parsers and view, for its test hooks.
tests_gfp_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/utilities
# The AF_XDP data path's unit tests, where AF_XDP ports are built.
if HAVE_XDP
tests_gfp_test_SOURCES += tests/gfp-test-xdp-comp.c
tests_gfp_test_CPPFLAGS += -DGFP_TEST_XDP
tests_gfp_test_CFLAGS += $(XDP_CFLAGS)
endif
tests_gfp_test_SOURCES += \
	$(utilities_ctl_stats_sources) \
	utilities/ctl/cpuset.c \
	utilities/ctl/cpuset.h \
	utilities/ctl/ctl-util.c \
	utilities/ctl/ctl-util.h \
	utilities/ctl/ovs.c \
	utilities/ctl/ovs-counters.c \
	utilities/ctl/ovs-sandbox.c \
	utilities/ctl/ovs.h \
	utilities/ctl/sysfs.c \
	utilities/ctl/sysfs.h

# Autotest suites, in the manner of Open vSwitch.
TESTSUITE_AT = \
	tests/testsuite.at \
	tests/ovs-macros.at \
	tests/macros.at \
	tests/config.at \
	tests/engine.at \
	tests/stats.at \
	tests/gfp-fwd.at \
	tests/tpacket.at \
	tests/port-mmap.at \
	tests/port-xdp.at \
	tests/pmmap.at \
	tests/ctl.at \
	tests/idle.at \
	tests/ctl-cmdline.at \
	tests/ctl-hostile.at \
	tests/ctl-host.at \
	tests/ctl-preflight.at \
	tests/ctl-stats.at \
	tests/telemetry.at \
	tests/pci-bind.at \
	tests/pytest.at
DPDK_TESTSUITE_AT = \
	tests/dpdk-testsuite.at \
	tests/ovs-macros.at \
	tests/dpdk-macros.at \
	tests/dpdk-pair.at \
	tests/dpdk-idle.at \
	tests/dpdk-ovs-build.at \
	tests/dpdk-pmmap.at \
	tests/dpdk-ctl.at \
	tests/dpdk-bench.at
GUEST_TESTSUITE_AT = \
	tests/guest-testsuite.at \
	tests/ovs-macros.at \
	tests/dpdk-macros.at \
	tests/guest-macros.at \
	tests/guest-vm.at \
	tests/guest-pair.at \
	tests/guest-idle.at \
	tests/guest-bench.at

TESTSUITE = $(srcdir)/tests/testsuite
DPDK_TESTSUITE = $(srcdir)/tests/dpdk-testsuite
GUEST_TESTSUITE = $(srcdir)/tests/guest-testsuite
AUTOTEST = $(AUTOM4TE) -language=autotest
AUTOTEST_PATH = utilities:guest:tests

EXTRA_DIST += \
	$(TESTSUITE_AT) $(DPDK_TESTSUITE_AT) $(GUEST_TESTSUITE_AT) \
	tests/ctl-hostile.py \
	$(TESTSUITE) $(DPDK_TESTSUITE) $(GUEST_TESTSUITE) \
	tests/atlocal.in \
	tests/package.m4
DISTCLEANFILES += tests/atconfig tests/atlocal

$(srcdir)/tests/package.m4: $(top_srcdir)/configure.ac
	$(AM_V_GEN){ \
	  echo 'm4_define([AT_PACKAGE_NAME], [$(PACKAGE_NAME)])'; \
	  echo 'm4_define([AT_PACKAGE_TARNAME], [$(PACKAGE_TARNAME)])'; \
	  echo 'm4_define([AT_PACKAGE_VERSION], [$(PACKAGE_VERSION)])'; \
	  echo 'm4_define([AT_PACKAGE_STRING], [$(PACKAGE_STRING)])'; \
	  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \
	} > '$@'

$(TESTSUITE): $(srcdir)/tests/package.m4 $(TESTSUITE_AT)
	$(AM_V_GEN)$(AUTOTEST) -I '$(srcdir)/tests' -o $@.tmp $@.at \
	  && mv $@.tmp $@

$(DPDK_TESTSUITE): $(srcdir)/tests/package.m4 $(DPDK_TESTSUITE_AT)
	$(AM_V_GEN)$(AUTOTEST) -I '$(srcdir)/tests' -o $@.tmp $@.at \
	  && mv $@.tmp $@

$(GUEST_TESTSUITE): $(srcdir)/tests/package.m4 $(GUEST_TESTSUITE_AT)
	$(AM_V_GEN)$(AUTOTEST) -I '$(srcdir)/tests' -o $@.tmp $@.at \
	  && mv $@.tmp $@

TESTSUITE_DEPS = tests/atconfig tests/atlocal $(bin_PROGRAMS) \
	$(noinst_PROGRAMS) $(dist_bin_SCRIPTS)

check-local: $(TESTSUITE_DEPS) $(TESTSUITE)
	$(SHELL) '$(TESTSUITE)' -C tests AUTOTEST_PATH='$(AUTOTEST_PATH)' \
	  $(TESTSUITEFLAGS)

# Host+guest pairs on a sandboxed OVS-DPDK: needs root and hugepages.
check-dpdk: $(TESTSUITE_DEPS) $(DPDK_TESTSUITE)
	$(SHELL) '$(DPDK_TESTSUITE)' -C tests AUTOTEST_PATH='$(AUTOTEST_PATH)' \
	  $(TESTSUITEFLAGS)
.PHONY: check-dpdk

# The same pairs with a QEMU VM as the guest (gfp-vm): needs root,
# hugepages, qemu-system-x86 and the cloud kernel (gfp-setup installs them).
check-guest: $(TESTSUITE_DEPS) $(GUEST_TESTSUITE)
	$(SHELL) '$(GUEST_TESTSUITE)' -C tests AUTOTEST_PATH='$(AUTOTEST_PATH)' \
	  $(TESTSUITEFLAGS)
.PHONY: check-guest

clean-local:
	test ! -f '$(TESTSUITE)' || $(SHELL) '$(TESTSUITE)' -C tests --clean
	test ! -f '$(DPDK_TESTSUITE)' \
	  || $(SHELL) '$(DPDK_TESTSUITE)' -C tests --clean
	test ! -f '$(GUEST_TESTSUITE)' \
	  || $(SHELL) '$(GUEST_TESTSUITE)' -C tests --clean

# The gfp-bench harness's unit tests (pytest, run by tests/pytest.at).
EXTRA_DIST += \
	tests/pytest/conftest.py \
	tests/pytest/test_counters.py \
	tests/pytest/test_generator.py \
	tests/pytest/test_guests.py \
	tests/pytest/test_registry.py \
	tests/pytest/test_report.py \
	tests/pytest/test_search.py \
	tests/pytest/test_stats.py \
	tests/pytest/test_trials.py \
	tests/pytest/data/stats-host-dpdk.json

# ---------------------------------------------------------------------------
# libFuzzer targets (tests/fuzz): built and run by "make check-fuzz" only,
# in a build configured with a clang that links -fsanitize=fuzzer (see
# Documentation/topics/fuzzing.rst).  Each target compiles the library and
# gfp-ctl sources it fuzzes itself, with the fuzzer's coverage and ASan and
# UBSan, whatever the rest of the build uses.

FUZZ_NAMES = config ctl iplink ovs topology tpacket
FUZZ_SECONDS = 20
FUZZ_FLAGS =
FUZZ_DIR = tests/fuzz

dist_noinst_SCRIPTS += tests/sanitize.sh
EXTRA_DIST += \
	Documentation/topics/fuzzing.rst \
	tests/fuzz/corpus \
	tests/fuzz/config.dict \
	tests/fuzz/ctl.dict \
	tests/fuzz/iplink.dict \
	tests/fuzz/ovs.dict \
	tests/fuzz/topology.dict \
	tests/fuzz/tpacket.dict \
	tests/fuzz/fuzz.h \
	tests/fuzz/fuzz-util.c \
	tests/fuzz/fuzz-config.c \
	tests/fuzz/fuzz-ctl.c \
	tests/fuzz/fuzz-iplink.c \
	tests/fuzz/fuzz-ovs.c \
	tests/fuzz/fuzz-topology.c \
	tests/fuzz/fuzz-tpacket.c

if HAVE_FUZZ
FUZZ_TARGETS = \
	tests/fuzz/fuzz-config \
	tests/fuzz/fuzz-ctl \
	tests/fuzz/fuzz-iplink \
	tests/fuzz/fuzz-ovs \
	tests/fuzz/fuzz-topology \
	tests/fuzz/fuzz-tpacket
EXTRA_PROGRAMS = $(FUZZ_TARGETS)
CLEANFILES += $(FUZZ_TARGETS)

FUZZ_COMPILE_FLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
FUZZ_LINK_FLAGS = $(FUZZ_LDFLAGS)
FUZZ_UTIL = tests/fuzz/fuzz.h tests/fuzz/fuzz-util.c lib/util.c

tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_COMPILE_FLAGS) $(JANSSON_CFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c $(FUZZ_UTIL) \
	lib/gfp-config.c lib/gfp-mode.c lib/fwd-engine.c lib/fwd-io.c \
	lib/fwd-l2.c lib/fwd-macswap.c

tests_fuzz_fuzz_ctl_CFLAGS = $(FUZZ_COMPILE_FLAGS) $(JANSSON_CFLAGS)
tests_fuzz_fuzz_ctl_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_ctl_LDADD = $(JANSSON_LIBS) -lpthread
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz-ctl.c $(FUZZ_UTIL) lib/ctl.c \
	lib/ctl-request.c lib/ctl-client.c lib/log.c

tests_fuzz_fuzz_iplink_CFLAGS = $(FUZZ_COMPILE_FLAGS) $(JANSSON_CFLAGS)
tests_fuzz_fuzz_iplink_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/utilities
tests_fuzz_fuzz_iplink_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_iplink_LDADD = $(JANSSON_LIBS)
tests_fuzz_fuzz_iplink_SOURCES = tests/fuzz/fuzz-iplink.c $(FUZZ_UTIL) \
	utilities/ctl/stats-iplink.c utilities/ctl/ctl-util.c

tests_fuzz_fuzz_ovs_CFLAGS = $(FUZZ_COMPILE_FLAGS) $(JANSSON_CFLAGS)
tests_fuzz_fuzz_ovs_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/utilities/ctl
tests_fuzz_fuzz_ovs_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_ovs_LDADD = $(JANSSON_LIBS)
tests_fuzz_fuzz_ovs_SOURCES = tests/fuzz/fuzz-ovs.c $(FUZZ_UTIL) \
	utilities/ctl/ovs.c utilities/ctl/ovs-counters.c utilities/ctl/ovs-sandbox.c \
	utilities/ctl/sysfs.c utilities/ctl/cpuset.c \
	utilities/ctl/ctl-util.c

tests_fuzz_fuzz_topology_CFLAGS = $(FUZZ_COMPILE_FLAGS) $(YAML_CFLAGS)
tests_fuzz_fuzz_topology_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/utilities/ctl
tests_fuzz_fuzz_topology_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_topology_LDADD = $(YAML_LIBS)
tests_fuzz_fuzz_topology_SOURCES = tests/fuzz/fuzz-topology.c $(FUZZ_UTIL) \
	utilities/ctl/topology.c utilities/ctl/sysfs.c utilities/ctl/cpuset.c \
	utilities/ctl/ctl-util.c

# Includes lib/tpacket.c and lib/tpacket-tx.c, for the private ring struct.
tests_fuzz_fuzz_tpacket_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_tpacket_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_tpacket_SOURCES = tests/fuzz/fuzz-tpacket.c $(FUZZ_UTIL)
EXTRA_tests_fuzz_fuzz_tpacket_DEPENDENCIES = lib/tpacket.c lib/tpacket-tx.c \
	lib/tpacket-private.h

# Runs each target for FUZZ_SECONDS from its seed corpus and what earlier
# runs found (in $(FUZZ_DIR)/NAME.corpus); fails on any crash, leak,
# timeout or sanitizer report, whose input is left as
# $(FUZZ_DIR)/NAME-crash-* (or -leak-, -timeout-).  The summary line of
# each target gives its executions.
check-fuzz: $(FUZZ_TARGETS)
	@fail=0; \
	for name in $(FUZZ_NAMES); do \
	  work=$(FUZZ_DIR)/$$name.corpus; log=$(FUZZ_DIR)/$$name.log; \
	  mkdir -p $$work; \
	  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  tests/fuzz/fuzz-$$name -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -dict='$(srcdir)/tests/fuzz/'$$name.dict \
	    -artifact_prefix=$(FUZZ_DIR)/$$name- $(FUZZ_FLAGS) \
	    $$work '$(srcdir)/tests/fuzz/corpus/'$$name > $$log 2>&1; \
	  rc=$$?; \
	  execs=`sed -n 's/^stat::number_of_executed_units: *//p' $$log`; \
	  if test $$rc = 0; then \
	    echo "fuzz $$name: $${execs:-?} executions in" \
	      "$(FUZZ_SECONDS) s, no crash"; \
	  else \
	    fail=1; \
	    echo "fuzz $$name: FAILED (exit $$rc) after $${execs:-?}" \
	      "executions; $$log:"; \
	    grep -v '^#\|^INFO\|^\s*$$' $$log | tail -40; \
	  fi; \
	done; \
	exit $$fail
else
check-fuzz:
	@echo "check-fuzz: configure found no clang with libFuzzer:" \
	  "configure a build directory with CC=clang --enable-fuzz," \
	  "or run tests/sanitize.sh --fuzz" \
	  "(Documentation/topics/fuzzing.rst)" >&2; \
	exit 1
endif
.PHONY: check-fuzz

clean-local: clean-fuzz
clean-fuzz:
	rm -rf $(FUZZ_DIR)/*.corpus $(FUZZ_DIR)/*.log $(FUZZ_DIR)/*-crash-* \
	  $(FUZZ_DIR)/*-leak-* $(FUZZ_DIR)/*-timeout-* $(FUZZ_DIR)/*-oom-*
.PHONY: clean-fuzz
