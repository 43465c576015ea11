# gfp-ctl: one program, a command group per file.  The binary stays
# utilities/gfp-ctl beside the other programs.
bin_PROGRAMS += utilities/gfp-ctl
utilities_gfp_ctl_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(YAML_CFLAGS) \
	$(NUMA_CFLAGS)
utilities_gfp_ctl_LDADD = lib/libgfp.la $(JANSSON_LIBS) $(YAML_LIBS) \
	$(NUMA_LIBS)
# compat finds its matrix installed in pkgdatadir, else (an uninstalled
# build) in the source tree.
utilities_gfp_ctl_CPPFLAGS = $(AM_CPPFLAGS) \
	-DGFP_PKGDATADIR='"$(pkgdatadir)"' -DGFP_SRCDIR='"$(abs_top_srcdir)"'
utilities_gfp_ctl_SOURCES = \
	utilities/ctl/compat-matrix.c \
	utilities/ctl/compat.c \
	utilities/ctl/compat.h \
	utilities/ctl/cpuset.c \
	utilities/ctl/cpuset.h \
	utilities/ctl/ctl-util.c \
	utilities/ctl/ctl-util.h \
	utilities/ctl/findings.c \
	utilities/ctl/findings.h \
	utilities/ctl/fwd.c \
	utilities/ctl/gfp-ctl.c \
	utilities/ctl/gfp-ctl.h \
	utilities/ctl/host-db.c \
	utilities/ctl/host-setup.c \
	utilities/ctl/host-teardown.c \
	utilities/ctl/host.c \
	utilities/ctl/host.h \
	utilities/ctl/options.c \
	utilities/ctl/options.h \
	utilities/ctl/ovs-counters.c \
	utilities/ctl/ovs-sandbox.c \
	utilities/ctl/ovs.c \
	utilities/ctl/ovs.h \
	utilities/ctl/preflight-numa.c \
	utilities/ctl/preflight-ovs.c \
	utilities/ctl/preflight-sys.c \
	utilities/ctl/preflight-versions.c \
	utilities/ctl/preflight.c \
	utilities/ctl/preflight.h \
	utilities/ctl/sysfs.c \
	utilities/ctl/sysfs.h \
	utilities/ctl/topology.c \
	utilities/ctl/topology.h \
	utilities/ctl/stats.c \
	$(utilities_ctl_stats_sources)

# gfp-ctl stats' rooms but its entry, which tests/gfp-test links too.
utilities_ctl_stats_sources = \
	utilities/ctl/ctl-stats.h \
	utilities/ctl/stats-fwd.c \
	utilities/ctl/stats-hops.c \
	utilities/ctl/stats-iplink.c \
	utilities/ctl/stats-json.c \
	utilities/ctl/stats-kernel.c \
	utilities/ctl/stats-ovs.c \
	utilities/ctl/stats-run.c \
	utilities/ctl/stats-text.c
