/* gfp-ctl findings: what a check found, one line each, with the command
 * that fixes it.  gfp-ctl preflight's checks report here; the report is
 * printed as a table or as JSON. */
#ifndef GFP_CTL_FINDINGS_H
#define GFP_CTL_FINDINGS_H 1

#include <stdbool.h>
#include <stddef.h>

enum finding_sev { FINDING_PASS, FINDING_SKIP, FINDING_WARN, FINDING_FAIL };

struct finding {
    char *id;                   /* The check: "hugepages". */
    char *subject;              /* What it looked at, "" for none. */
    char *message;
    char *fix;                  /* NULL: nothing to fix. */
    enum finding_sev sev;
};

struct findings {
    struct finding *v;
    size_t n, cap;
};

/* Adds a finding.  'fix' (may be NULL) is taken over. */
void findings_add(struct findings *, const char *id, const char *subject,
                  enum finding_sev, char *fix, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Prints 'fs' to stdout: a JSON array, or a table ending in the line
 * "TITLE: N pass, N warn, N fail, N skip". */
void findings_print(const struct findings *, const char *title, bool json);

/* The most severe finding's severity (FINDING_PASS if none). */
enum finding_sev findings_worst(const struct findings *);

void findings_destroy(struct findings *);

#endif /* findings.h */
