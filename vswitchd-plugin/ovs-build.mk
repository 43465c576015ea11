# make ovs: ovs-vswitchd, and the OVS tools the sandbox runs with it, built
# from OVS source against the same libdpdk as gfp, so that a DPDK plugin
# loaded into the switch (net_pmmap) sees the ABI it was built for.  The
# sandbox takes the schema from the source tree.
#
#   vswitchd-plugin/ovs-src/      the unpacked tarball (a tree with a
#                                 configure script is used where it is)
#   vswitchd-plugin/ovs-build/    OVS's out-of-tree build directory
#   vswitchd-plugin/ovs-build.log what configure and make said
#
# The OVS build gets none of gfp's compiler settings (no -Werror, no
# GFP_CFLAGS, no CFLAGS from the environment or the make command line):
# OVS's own warnings are not ours to fix.  Only the programs below are
# built, never OVS's tests or documentation.

OVS_TARGETS = \
	vswitchd/ovs-vswitchd \
	ovsdb/ovsdb-server \
	ovsdb/ovsdb-tool \
	utilities/ovs-vsctl \
	utilities/ovs-appctl \
	utilities/ovs-ofctl

OVS_BUILD_DIR = vswitchd-plugin/ovs-build
OVS_SRC_COPY = vswitchd-plugin/ovs-src
OVS_BUILD_LOG = vswitchd-plugin/ovs-build.log
OVS_BUILD_STAMP = $(OVS_BUILD_DIR)/gfp-build-info

if HAVE_OVS_SOURCE

# A source tree with a configure script is built where it is, out of tree;
# it may change under us, so OVS's own make runs on every 'make ovs'.  A
# tarball, or a tree that needs boot.sh, is unpacked (copied) once.
OVS_SOURCE_LIVE = $(if $(wildcard $(OVS_SOURCE)/configure),ovs-force)

# The shell environment of every OVS step: gfp's libdpdk (the pkg-config
# gfp was configured with), none of gfp's flags, and a MAKEFLAGS without
# command-line variables (make passes 'make CFLAGS=...' down through it).
OVS_ENV = \
	unset CFLAGS CPPFLAGS LDFLAGS LIBS CC CPP DPDK_CFLAGS DPDK_LIBS GFP_CFLAGS; \
	MAKEFLAGS="$${MAKEFLAGS%% -- *}"; export MAKEFLAGS; \
	PKG_CONFIG='$(PKG_CONFIG)'; export PKG_CONFIG; \
	test -z '$(PKG_CONFIG_PATH)' \
	  || { PKG_CONFIG_PATH='$(PKG_CONFIG_PATH)'; export PKG_CONFIG_PATH; }; \
	test -z '$(PKG_CONFIG_LIBDIR)' \
	  || { PKG_CONFIG_LIBDIR='$(PKG_CONFIG_LIBDIR)'; export PKG_CONFIG_LIBDIR; }; \
	log='$(OVS_BUILD_LOG)'; mark=0; \
	ovs_phase () { \
	  echo "=== $$1 ($$(date))" >> "$$log"; mark=$$(wc -l < "$$log"); }; \
	ovs_fail () { \
	  echo "ovs: $$1 failed; the end of what it said:" >&2; \
	  tail -n +$$((mark + 1)) "$$log" | tail -n 25 | sed 's/^/  | /' >&2; \
	  echo "ovs: $$1 failed (full log: $$log)$${2:+; $$2}" >&2; exit 1; }

ovs: $(OVS_BUILD_STAMP)
ovs-force:

# What the build depends on besides the source files: rewritten only when
# it changes, so that a new libdpdk or another --with-ovs-source starts
# over and nothing else does.
vswitchd-plugin/ovs-build.inputs: ovs-force
	@$(OVS_ENV); \
	src='$(OVS_SOURCE)'; \
	if test -f "$$src"; then kind="tarball $$(stat -c '%s %Y' "$$src")"; \
	elif test -f "$$src/config.status"; then kind="tree configured in place"; \
	elif test -f "$$src/configure"; then kind=tree; \
	else kind="tree without configure"; fi; \
	{ echo "source=$$src"; \
	  echo "source-kind=$$kind"; \
	  echo "dpdk=$$($$PKG_CONFIG --modversion libdpdk)"; \
	  echo "dpdk-libdir=$$($$PKG_CONFIG --variable=libdir libdpdk)"; \
	} > $@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

# The stamp holds the absolute path of the source tree configure runs.
vswitchd-plugin/ovs-src.stamp: vswitchd-plugin/ovs-build.inputs
	@$(OVS_ENV); \
	src='$(OVS_SOURCE)'; copy='$(abs_builddir)/$(OVS_SRC_COPY)'; \
	rm -rf '$(OVS_SRC_COPY)' $@; \
	if test -f "$$src"; then \
	  echo "ovs: unpacking $$src into $(OVS_SRC_COPY)"; \
	  mkdir -p '$(OVS_SRC_COPY)' \
	    && tar -xf "$$src" -C '$(OVS_SRC_COPY)' --strip-components=1 \
	    || { echo "ovs: cannot unpack $$src" >&2; exit 1; }; \
	  src=$$copy; \
	elif test ! -f "$$src/configure"; then \
	  echo "ovs: $$src has no configure script: copying it into $(OVS_SRC_COPY) for boot.sh (run 'make clean-ovs ovs' after changing it)"; \
	  mkdir -p '$(OVS_SRC_COPY)' \
	    && (cd "$$src" && tar -cf - --exclude=.git .) \
	       | tar -xf - -C '$(OVS_SRC_COPY)' \
	    || { echo "ovs: cannot copy $$src" >&2; exit 1; }; \
	  src=$$copy; \
	elif test -f "$$src/config.status"; then \
	  echo "ovs: $$src is configured in place, so it cannot also be built out of tree: run 'make distclean' there, or pass a clean tree or a tarball to --with-ovs-source" >&2; \
	  exit 1; \
	fi; \
	test -f "$$src/vswitchd/ovs-vswitchd.c" \
	  || { echo "ovs: $(OVS_SOURCE) is not Open vSwitch source (no vswitchd/ovs-vswitchd.c)" >&2; exit 1; }; \
	if test ! -f "$$src/configure"; then \
	  echo "ovs: running boot.sh in $(OVS_SRC_COPY) (log: $$log)"; \
	  ovs_phase "boot.sh in $$src"; \
	  (cd "$$src" && ./boot.sh) >> "$$log" 2>&1 \
	    || ovs_fail boot.sh "it needs autoconf, automake and libtool"; \
	fi; \
	echo "$$src" > $@

$(OVS_BUILD_DIR)/gfp-configured.stamp: vswitchd-plugin/ovs-src.stamp
	@$(OVS_ENV); \
	src=$$(cat vswitchd-plugin/ovs-src.stamp); \
	dpdk=$$($$PKG_CONFIG --modversion libdpdk) \
	  || { echo "ovs: pkg-config finds no libdpdk" >&2; exit 1; }; \
	echo "ovs: configuring $$src against libdpdk $$dpdk in $(OVS_BUILD_DIR) (log: $$log)"; \
	rm -rf '$(OVS_BUILD_DIR)'; mkdir -p '$(OVS_BUILD_DIR)'; \
	ovs_phase "configure in $(OVS_BUILD_DIR)"; \
	(cd '$(OVS_BUILD_DIR)' && "$$src/configure" --with-dpdk=shared \
	   PKG_CONFIG="$$PKG_CONFIG") >> "$$log" 2>&1 \
	  || ovs_fail configure; \
	touch $@

# The build: first OVS's BUILT_SOURCES (generated headers the objects
# include, which a build of single programs does not make by itself), then
# the programs.  Then the switch must report the libdpdk it was built for.
# The schema stays in the source tree (the build's Makefile names it as
# abs_top_srcdir): a copy here would shadow it on OVS's VPATH.
$(OVS_BUILD_STAMP): $(OVS_BUILD_DIR)/gfp-configured.stamp $(OVS_SOURCE_LIVE)
	@$(OVS_ENV); \
	case " $$MAKEFLAGS " in \
	  *" -j"*|*--jobserver*) jobs= ;; \
	  *) jobs=-j$$(nproc 2>/dev/null || echo 1) ;; \
	esac; \
	src=$$(cat vswitchd-plugin/ovs-src.stamp); \
	t0=$$(date +%s); \
	had=no; test ! -f $@ || had=yes; \
	touch '$(OVS_BUILD_DIR)/gfp-build-start'; \
	echo "ovs: building ovs-vswitchd, ovsdb-server, ovsdb-tool, ovs-vsctl, ovs-appctl, ovs-ofctl in $(OVS_BUILD_DIR) (log: $$log)"; \
	ovs_phase "make in $(OVS_BUILD_DIR)"; \
	built=$$(cd '$(OVS_BUILD_DIR)' \
	  && printf 'gfp-print:\n\t@echo $$(BUILT_SOURCES)\n' \
	     | $(MAKE) --no-print-directory -s -f Makefile -f - gfp-print) \
	  || ovs_fail "make (listing OVS's generated sources)"; \
	(cd '$(OVS_BUILD_DIR)' && $(MAKE) --no-print-directory $$jobs $$built \
	   && $(MAKE) --no-print-directory $$jobs $(OVS_TARGETS)) \
	  >> "$$log" 2>&1 || ovs_fail make; \
	want=$$($$PKG_CONFIG --modversion libdpdk); \
	vs='$(OVS_BUILD_DIR)/vswitchd/ovs-vswitchd'; \
	version=$$("$$vs" --version 2>&1) \
	  || { echo "ovs: $$vs --version failed: $$version" >&2; exit 1; }; \
	ovs=$$(echo "$$version" | sed -n 's/^ovs-vswitchd (Open vSwitch) //p'); \
	got=$$(echo "$$version" | sed -n 's/^DPDK //p'); \
	if test "$$got" != "$$want"; then \
	  echo "ovs: $$vs reports DPDK '$$got' but libdpdk (pkg-config) is $$want: the switch would not share the plugin's DPDK ABI; check the DPDK libraries it loads ('ldd $$vs') and $$log" >&2; \
	  exit 1; \
	fi; \
	{ echo "ovs_version=$$ovs"; echo "dpdk_version=$$got"; \
	  echo "source=$$src"; \
	  echo "schema=$$src/vswitchd/vswitch.ovsschema"; } > $@; \
	if test $$had = yes \
	   && test -z "$$(cd '$(OVS_BUILD_DIR)' && find $(OVS_TARGETS) -newer gfp-build-start)"; then \
	  echo "ovs: $$vs is up to date: Open vSwitch $$ovs with DPDK $$got"; \
	else \
	  echo "ovs: built $$vs: Open vSwitch $$ovs with DPDK $$got ($$(($$(date +%s) - t0)) s)"; \
	fi; \
	rm -f '$(OVS_BUILD_DIR)/gfp-build-start'

OVS_CHECK_DEPS = ovs
else
ovs:
	@echo "make ovs: no Open vSwitch source: install it ('apt-get install openvswitch-source') and run ./configure again, or run ./configure --with-ovs-source=PATH (an OVS tarball or source tree)" >&2; \
	exit 1
OVS_CHECK_DEPS =
endif

# Also without OVS source now: a build made before still goes.
clean-ovs:
	rm -rf $(OVS_BUILD_DIR) $(OVS_SRC_COPY) $(OVS_BUILD_LOG) \
	  vswitchd-plugin/ovs-src.stamp vswitchd-plugin/ovs-build.inputs \
	  vswitchd-plugin/ovs-build.inputs.tmp
.PHONY: ovs ovs-force clean-ovs

# Extra prerequisites; the recipes are in tests/automake.mk.
check-dpdk: $(OVS_CHECK_DEPS)
clean-local: clean-ovs
