#include <config.h>
#include "log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const level_names[] = { "ERR", "WARN", "INFO", "DBG" };
static atomic_int max_level = LOG_LVL_INFO;

void
log_set_level(enum log_level level)
{
    atomic_store_explicit(&max_level, level, memory_order_relaxed);
}

enum log_level
log_get_level(void)
{
    return atomic_load_explicit(&max_level, memory_order_relaxed);
}

int
log_parse_level(const char *s, enum log_level *level)
{
    static const char *const names[] = { "err", "warn", "info", "dbg" };

    for (int i = 0; i < 4; i++) {
        if (!strcmp(s, names[i])) {
            *level = i;
            return 0;
        }
    }
    return -EINVAL;
}

void
log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    char msg[512];
    char ts[32];
    struct timespec now;
    struct tm tm;
    va_list args;

    if ((int) level > atomic_load_explicit(&max_level, memory_order_relaxed)) {
        return;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    /* One fprintf per line keeps lines whole across threads. */
    fprintf(stderr, "%s.%03ldZ|%s|%s|%s\n", ts, now.tv_nsec / 1000000,
            module, level_names[level], msg);
}
