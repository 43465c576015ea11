/* gfp-ctl findings (findings.h). */
#include <config.h>

#include "findings.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-util.h"

static const char *const sev_names[] = {
    [FINDING_PASS] = "pass",
    [FINDING_SKIP] = "skip",
    [FINDING_WARN] = "warn",
    [FINDING_FAIL] = "fail",
};

void
findings_add(struct findings *fs, const char *id, const char *subject,
             enum finding_sev sev, char *fix, const char *fmt, ...)
{
    struct finding *f;
    va_list args;

    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 32;
        fs->v = ctl_xrealloc(fs->v, fs->cap * sizeof *fs->v);
    }
    f = &fs->v[fs->n++];
    f->id = ctl_xstrdup(id);
    f->subject = ctl_xstrdup(subject ? subject : "");
    f->sev = sev;
    f->fix = fix;
    va_start(args, fmt);
    f->message = ctl_xvasprintf(fmt, args);
    va_end(args);
}

static void
print_json(const struct findings *fs)
{
    json_t *list = json_array();

    for (size_t i = 0; i < fs->n; i++) {
        const struct finding *f = &fs->v[i];

        json_array_append_new(list, json_pack(
            "{s:s, s:s, s:s, s:s, s:s?}", "id", f->id,
            "subject", f->subject, "severity", sev_names[f->sev],
            "message", f->message, "fix", f->fix));
    }
    json_dumpf(list, stdout, JSON_INDENT(2));
    putchar('\n');
    json_decref(list);
}

void
findings_print(const struct findings *fs, const char *title, bool json)
{
    unsigned count[4] = { 0, 0, 0, 0 };
    int width = 10;

    if (json) {
        print_json(fs);
        return;
    }
    for (size_t i = 0; i < fs->n; i++) {
        const struct finding *f = &fs->v[i];
        int w = strlen(f->id) + (f->subject[0] ? strlen(f->subject) + 3 : 0);

        width = MAX(width, MIN(w, 40));
    }
    printf("%-4s  %-*s  %s\n", "", width, "CHECK", "FINDING");
    for (size_t i = 0; i < fs->n; i++) {
        const struct finding *f = &fs->v[i];
        char name[512];

        snprintf(name, sizeof name, f->subject[0] ? "%s (%s)" : "%s", f->id,
                 f->subject);
        printf("%-4s  %-*s  %s\n", sev_names[f->sev], width, name,
               f->message);
        if (f->fix) {
            printf("%-4s  %-*s  fix: %s\n", "", width, "", f->fix);
        }
        count[f->sev]++;
    }
    printf("%s: %u pass, %u warn, %u fail, %u skip\n", title,
           count[FINDING_PASS], count[FINDING_WARN], count[FINDING_FAIL],
           count[FINDING_SKIP]);
}

enum finding_sev
findings_worst(const struct findings *fs)
{
    enum finding_sev worst = FINDING_PASS;

    for (size_t i = 0; i < fs->n; i++) {
        if (fs->v[i].sev == FINDING_FAIL
            || (fs->v[i].sev == FINDING_WARN && worst != FINDING_FAIL)) {
            worst = fs->v[i].sev;
        }
    }
    return worst;
}

void
findings_destroy(struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->v[i].id);
        free(fs->v[i].subject);
        free(fs->v[i].message);
        free(fs->v[i].fix);
    }
    free(fs->v);
}
