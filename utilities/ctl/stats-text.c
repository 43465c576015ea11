/* gfp-ctl stats: the view as text, rendered from the JSON view so that
 * both always agree. */
#include <config.h>

#include "ctl-stats.h"

#include <stdio.h>
#include <string.h>

static void
put_counter(json_t *v, int width)
{
    if (json_is_integer(v)) {
        printf(" %*"JSON_INTEGER_FORMAT, width, json_integer_value(v));
    } else {
        printf(" %*s", width, "?");
    }
}

static void
put_rate(json_t *rates, const char *key)
{
    json_t *v = json_object_get(rates, key);

    if (json_is_real(v)) {
        printf(" %10.0f/s", json_real_value(v));
    } else if (rates) {
        printf(" %12s", "?");
    }
}

static void
put_real(json_t *v, int precision, int width)
{
    if (json_is_real(v)) {
        printf(" %*.*f", width, precision, json_real_value(v));
    } else {
        printf(" %*s", width, "-");
    }
}

static void
put_rates(json_t *o)
{
    json_t *r = json_object_get(o, "rates");

    put_rate(r, "rx_packets");
    put_rate(r, "tx_packets");
    put_rate(r, "drops");
}

static void
print_iface(const char *name, json_t *o, bool rates)
{
    json_t *rx_e = json_object_get(o, "rx_errors");
    json_t *tx_e = json_object_get(o, "tx_errors");

    printf("  %-12s %-8s", name,
           json_string_value(json_object_get(o, "bridge")));
    put_counter(json_object_get(o, "ofport"), 6);
    put_counter(json_object_get(o, "rx_packets"), 12);
    put_counter(json_object_get(o, "rx_dropped"), 10);
    put_counter(json_object_get(o, "tx_packets"), 12);
    put_counter(json_object_get(o, "tx_dropped"), 10);
    if (json_is_integer(rx_e) || json_is_integer(tx_e)) {
        printf(" %8"JSON_INTEGER_FORMAT,
               json_integer_value(rx_e) + json_integer_value(tx_e));
    } else {
        printf(" %8s", "?");
    }
    if (rates) {
        put_rates(o);
    }
    putchar('\n');
    for (int k = 0; k < N_SW_COUNTERS; k++) {
        json_t *v = json_object_get(o, ctl_stats_sw_counters[k].name);

        if (json_integer_value(v)) {
            printf("  %-12s   %s=%"JSON_INTEGER_FORMAT"\n", "",
                   ctl_stats_sw_counters[k].name, json_integer_value(v));
        }
    }
}

static void
print_ovs(json_t *view, bool rates)
{
    const char *name;
    json_t *o;
    size_t i;

    printf("OVS (%s)\n", json_string_value(json_object_get(view, "source")));
    printf("  %-12s %-8s %6s %12s %10s %12s %10s %8s", "interface",
           "bridge", "ofport", "rx_packets", "rx_drop", "tx_packets",
           "tx_drop", "errors");
    if (rates) {
        printf(" %12s %12s %12s", "rx rate", "tx rate", "drop rate");
    }
    putchar('\n');
    json_object_foreach (json_object_get(view, "interfaces"), name, o) {
        print_iface(name, o, rates);
    }

    printf("PMD threads\n  %-32s %12s %12s %7s %10s %8s %10s\n", "thread",
           "rx_packets", "tx_packets", "busy%", "cyc/pkt", "lost_up",
           "sleep_us");
    json_array_foreach (json_object_get(view, "pmds"), i, o) {
        printf("  %-32s", json_string_value(json_object_get(o, "thread")));
        put_counter(json_object_get(o, "rx_packets"), 12);
        put_counter(json_object_get(o, "tx_packets"), 12);
        put_real(json_object_get(o, "busy_pct"), 2, 7);
        put_real(json_object_get(o, "cycles_per_packet"), 1, 10);
        put_counter(json_object_get(o, "lost_upcalls"), 8);
        put_real(json_object_get(o, "sleep_us"), 0, 10);
        putchar('\n');
    }
}

static void
print_fwd_ports(json_t *fwd, bool rates)
{
    json_t *o;
    size_t i;

    json_array_foreach (json_object_get(fwd, "ports"), i, o) {
        json_t *drops = json_object_get(o, "drops"), *v;
        const char *reason;

        printf("  %-4"JSON_INTEGER_FORMAT" %-18s %-16s",
               json_integer_value(json_object_get(o, "id")),
               json_string_value(json_object_get(o, "name")),
               json_string_value(json_object_get(o, "driver")));
        put_counter(json_object_get(o, "rx_packets"), 12);
        put_counter(json_object_get(o, "tx_packets"), 12);
        put_counter(json_object_get(o, "dropped"), 10);
        if (rates) {
            put_rates(o);
        }
        putchar('\n');
        json_object_foreach (drops, reason, v) {
            if (json_integer_value(v)) {
                printf("  %-4s %s=%"JSON_INTEGER_FORMAT"\n", "", reason,
                       json_integer_value(v));
            }
        }
    }
}

static void
print_fwd(json_t *fwd, bool rates)
{
    json_t *mode;

    if (json_is_null(fwd)) {
        return;
    }
    printf("gfp-fwd (%s)",
           json_string_value(json_object_get(fwd, "socket")));
    if (!json_is_true(json_object_get(fwd, "reachable"))) {
        printf(": not reachable (%s)\n",
               json_string_value(json_object_get(fwd, "error")));
        return;
    }
    mode = json_object_get(fwd, "mode");
    printf(", mode %s\n  %-4s %-18s %-16s %12s %12s %10s",
           json_is_string(mode) ? json_string_value(mode) : "?",
           "port", "name", "driver", "rx_packets", "tx_packets", "dropped");
    if (rates) {
        printf(" %12s %12s %12s", "rx rate", "tx rate", "drop rate");
    }
    putchar('\n');
    print_fwd_ports(fwd, rates);
}

static void
print_netns(json_t *netns)
{
    const char *ns, *name;
    json_t *links, *o;

    json_object_foreach (netns, ns, links) {
        printf("Kernel (netns %s)\n  %-15s %12s %12s %10s %10s %10s\n", ns,
               "interface", "rx_packets", "tx_packets", "rx_drop",
               "rx_missed", "tx_drop");
        json_object_foreach (links, name, o) {
            printf("  %-15s", name);
            put_counter(json_object_get(o, "rx_packets"), 12);
            put_counter(json_object_get(o, "tx_packets"), 12);
            put_counter(json_object_get(o, "rx_dropped"), 10);
            put_counter(json_object_get(o, "rx_missed"), 10);
            put_counter(json_object_get(o, "tx_dropped"), 10);
            putchar('\n');
        }
    }
}

void
ctl_stats_print(json_t *view, bool rates)
{
    if (!json_is_null(json_object_get(view, "ovs"))) {
        print_ovs(view, rates);
    }
    print_fwd(json_object_get(view, "fwd"), rates);
    print_netns(json_object_get(view, "netns"));
    printf("%s\n", json_string_value(json_object_get(view, "verdict")));
}
