# The JSON checks of the test suites; gfp-demo reads the hop view with it.
dist_pkgdata_SCRIPTS += tests/gfp-check.py

noinst_PROGRAMS += tests/gfp-test
tests_gfp_test_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_gfp_test_LDADD = lib/libgfp.la $(JANSSON_LIBS)
tests_gfp_test_SOURCES = tests/gfp-test.c

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
	tests/pmmap.at \
	tests/ctl.at \
	tests/ctl-hostile.at \
	tests/ctl-host.at \
	tests/ctl-preflight.at \
	tests/ctl-stats.at \
	tests/telemetry.at \
	tests/pytest.at
DPDK_TESTSUITE_AT = \
	tests/dpdk-testsuite.at \
	tests/ovs-macros.at \
	tests/dpdk-macros.at \
	tests/dpdk-pair.at \
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
	tests/guest-pair.at

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
	tests/pytest/test_report.py \
	tests/pytest/test_runners.py \
	tests/pytest/test_search.py \
	tests/pytest/test_stats.py \
	tests/pytest/test_trials.py
