/* The control socket's requests and replies: a request line split into
 * words (plain, or a JSON object), the command it names run, and the text
 * that goes back made safe for JSON. */
#include <config.h>
#include "ctl-private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 character at 's' (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or 0. */
static size_t
utf8_char_len(const unsigned char *s)
{
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n;

    if (s[0] < 0x80) {
        return 1;
    } else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        lo = s[0] == 0xe0 ? 0xa0 : 0x80;
        hi = s[0] == 0xed ? 0x9f : 0xbf;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        lo = s[0] == 0xf0 ? 0x90 : 0x80;
        hi = s[0] == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf) {
            return 0;
        }
    }
    return n;
}

char *
ctl_sanitize(const char *s_, char *buf, size_t size)
{
    const unsigned char *s = (const unsigned char *) s_;
    size_t o = 0;

    if (!size) {
        return buf;
    }
    while (*s) {
        size_t n = utf8_char_len(s);
        size_t need = n ? n : 4;
        /* Room for "..." unless this is the last character. */
        size_t reserve = s[n ? n : 1] ? 3 : 0;

        if (o + need + reserve >= size) {
            if (o + 3 < size) {
                memcpy(buf + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (n) {
            memcpy(buf + o, s, n);
            o += n;
            s += n;
        } else {
            snprintf(buf + o, 5, "\\x%02x", *s++);
            o += 4;
        }
    }
    buf[o] = '\0';
    return buf;
}

json_t *
ctl_error_reply(const char *fmt, ...)
{
    char msg[CTL_ERR_LEN], clean[CTL_ERR_LEN];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return json_pack("{s:b, s:s}", "ok", 0, "error",
                     ctl_sanitize(msg, clean, sizeof clean));
}

static json_t *
help_result(const struct ctl_command *commands, size_t n_commands)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n_commands; i++) {
        const struct ctl_command *cmd = &commands[i];

        json_array_append_new(list, json_pack(
            "{s:s, s:s, s:s}", "command", cmd->name,
            "usage", cmd->usage ? cmd->usage : "", "help", cmd->help));
    }
    json_array_append_new(list, json_pack(
        "{s:s, s:s, s:s}", "command", "help", "usage", "",
        "help", "list the commands"));
    return list;
}

/* Splits a request into words: plain words, or a JSON object. */
static json_t *
parse_request(char *line, unsigned *argc, const char *argv[],
              json_t **jreq)
{
    *argc = 0;
    *jreq = NULL;
    if (line[0] == '{' || line[0] == '[') {
        json_error_t jerr;
        json_t *args, *cmd;

        *jreq = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
        if (!*jreq || !json_is_object(*jreq)) {
            return ctl_error_reply("malformed request: %s",
                               *jreq ? "expected a JSON object" : jerr.text);
        }
        cmd = json_object_get(*jreq, "command");
        if (!json_is_string(cmd)) {
            return ctl_error_reply("malformed request: \"command\" must be a "
                               "string");
        }
        argv[(*argc)++] = json_string_value(cmd);
        args = json_object_get(*jreq, "args");
        if (args) {
            size_t i;
            json_t *a;

            if (!json_is_array(args)) {
                return ctl_error_reply("malformed request: \"args\" must be "
                                   "an array of strings");
            }
            json_array_foreach(args, i, a) {
                if (!json_is_string(a)) {
                    return ctl_error_reply("malformed request: \"args\" must "
                                       "be an array of strings");
                }
                if (*argc > CTL_MAX_ARGS) {
                    return ctl_error_reply("too many arguments (at most %d)",
                                       CTL_MAX_ARGS);
                }
                argv[(*argc)++] = json_string_value(a);
            }
        }
        return NULL;
    }
    for (char *save = NULL, *w = strtok_r(line, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        if (*argc > CTL_MAX_ARGS) {
            return ctl_error_reply("too many arguments (at most %d)",
                               CTL_MAX_ARGS);
        }
        argv[(*argc)++] = w;
    }
    return NULL;
}

json_t *
ctl_dispatch(const struct ctl_command *commands, size_t n_commands,
             void *aux, char *line)
{
    const char *argv[CTL_MAX_ARGS + 1];
    char err[CTL_ERR_LEN], echo[72];
    json_t *jreq, *result, *msg;
    unsigned argc;

    for (const char *p = line; *p; p++) {
        if ((unsigned char) *p < 0x20 && *p != '\t') {
            return ctl_error_reply("malformed request: control character "
                               "0x%02x", (unsigned char) *p);
        }
    }
    msg = parse_request(line, &argc, argv, &jreq);
    if (msg || !argc) {
        json_decref(jreq);
        return msg ? msg : ctl_error_reply("empty request: try \"help\"");
    }
    if (!strcmp(argv[0], "help")) {
        json_decref(jreq);
        return json_pack("{s:b, s:o}", "ok", 1, "result",
                         help_result(commands, n_commands));
    }
    for (size_t i = 0; i < n_commands; i++) {
        const struct ctl_command *cmd = &commands[i];

        if (strcmp(cmd->name, argv[0])) {
            continue;
        }
        if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args) {
            msg = ctl_error_reply("%s: expected %s%s%s", cmd->name, cmd->name,
                              cmd->usage && cmd->usage[0] ? " " : "",
                              cmd->usage ? cmd->usage : "");
        } else {
            err[0] = '\0';
            result = cmd->handler(aux, argc - 1, &argv[1], err);
            msg = result
                  ? json_pack("{s:b, s:o}", "ok", 1, "result", result)
                  : ctl_error_reply("%s: %s", cmd->name,
                                err[0] ? err : "failed");
        }
        json_decref(jreq);
        return msg;
    }
    msg = ctl_error_reply("unknown command '%s': try \"help\"",
                      ctl_sanitize(argv[0], echo, sizeof echo));
    json_decref(jreq);
    return msg;
}

