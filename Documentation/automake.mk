# Documentation: reStructuredText guides and roff manual pages, written by
# hand (nothing here is generated).
EXTRA_DIST += \
	Documentation/benchmark.rst \
	Documentation/howto/compare-paths.rst \
	Documentation/howto/guest-vm.rst \
	Documentation/howto/host-setup.rst \
	Documentation/howto/ovs-build.rst \
	Documentation/index.rst \
	Documentation/install.rst \
	Documentation/intro.rst \
	Documentation/pmmap.rst \
	Documentation/quickstart.rst \
	Documentation/topics/af-xdp.rst \
	Documentation/topics/gfp-bench-method.rst \
	Documentation/topics/gfp-fwd-internals.rst \
	Documentation/topics/net-pmmap.rst \
	Documentation/topics/preflight-compat.rst \
	Documentation/topics/stats.rst

# man_MANS is installed but not distributed by itself.
DOC_MANPAGES = \
	Documentation/gfp-bench.1 \
	Documentation/gfp-ctl.8 \
	Documentation/gfp-demo.8 \
	Documentation/gfp-fwd.8 \
	Documentation/gfp-fwd-counters.7 \
	Documentation/gfp-fwd-modes.7 \
	Documentation/gfp-guest-image.8 \
	Documentation/gfp-pair.8 \
	Documentation/gfp-pktgen.1 \
	Documentation/gfp-sandbox.8 \
	Documentation/gfp-vm.8 \
	Documentation/net_pmmap.7
man_MANS += $(DOC_MANPAGES)
EXTRA_DIST += $(DOC_MANPAGES)
