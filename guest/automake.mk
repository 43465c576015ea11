bin_PROGRAMS += guest/gfp-fwd
guest_gfp_fwd_CFLAGS = $(AM_CFLAGS) $(DPDK_CFLAGS) $(JANSSON_CFLAGS)
guest_gfp_fwd_LDADD = lib/libgfp-dpdk.la lib/libgfp.la $(DPDK_LIBS) \
	$(JANSSON_LIBS) $(NUMA_LIBS)
guest_gfp_fwd_SOURCES = \
	guest/dataplane.c \
	guest/dataplane.h \
	guest/gfp-fwd.c \
	guest/vhost-sock.c \
	guest/vhost-sock.h
