/* NUMA facts from libnuma. */
#ifndef GFP_NUMA_INFO_H
#define GFP_NUMA_INFO_H 1

/* The NUMA node of 'cpu', or -1 if NUMA is unavailable or 'cpu' unknown. */
int numa_info_cpu_node(int cpu);

#endif /* numa-info.h */
