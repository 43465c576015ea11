#include <config.h>
#include "numa-info.h"

#include <numa.h>

int
numa_info_cpu_node(int cpu)
{
    return numa_available() < 0 ? -1 : numa_node_of_cpu(cpu);
}
