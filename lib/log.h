/* Logging: one line per message on stderr, "time|module|LEVEL|text". */
#ifndef GFP_LOG_H
#define GFP_LOG_H 1

#include <stdarg.h>

enum log_level {
    LOG_LVL_ERR,
    LOG_LVL_WARN,
    LOG_LVL_INFO,
    LOG_LVL_DBG,
};

void log_set_level(enum log_level);
enum log_level log_get_level(void);
int log_parse_level(const char *, enum log_level *);
void log_msg(enum log_level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Each .c file that logs says once: LOG_MODULE(name); */
#define LOG_MODULE(NAME) static const char log_module[] = #NAME
#define LOG_ERR(...) log_msg(LOG_LVL_ERR, log_module, __VA_ARGS__)
#define LOG_WARN(...) log_msg(LOG_LVL_WARN, log_module, __VA_ARGS__)
#define LOG_INFO(...) log_msg(LOG_LVL_INFO, log_module, __VA_ARGS__)
#define LOG_DBG(...) log_msg(LOG_LVL_DBG, log_module, __VA_ARGS__)

#endif /* log.h */
