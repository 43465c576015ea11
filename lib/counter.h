/* Counters: what every layer's counter list shares.
 *
 * Each layer names its counters once, in an X-macro list of
 * C(NAME, KIND, MEANING) entries: the list makes the struct (one uint64_t
 * per entry), the names the dumps use, and the layer's drop total, which
 * is the sum of the entries of kind COUNTER_DROP.  Adding a counter is
 * adding one line to its list.
 *
 * A block of counters has one writer (the thread that polls the queue it
 * counts for); others read it.  The writer adds with a relaxed
 * load-add-store, no locked instruction; readers load with relaxed atomics
 * and never see a torn value.  No volatile. */
#ifndef GFP_COUNTER_H
#define GFP_COUNTER_H 1

#include <stddef.h>
#include <stdint.h>

enum counter_kind {
    COUNTER_PACKETS,            /* Packets that went through. */
    COUNTER_BYTES,              /* Their bytes. */
    COUNTER_DROP,               /* Packets dropped, for one reason. */
    COUNTER_DROP_FOLDED,        /* Packets dropped that another list's
                                 * drop counter holds too: not summed
                                 * again. */
    COUNTER_EVENT,              /* Times something happened: not packets. */
    COUNTER_CYCLES,             /* CPU cycles. */
};

/* One entry of a list, for code that walks it at run time (dumps). */
struct counter_desc {
    const char *name;
    enum counter_kind kind;
    const char *meaning;
    size_t offset;              /* Of the uint64_t in the list's struct. */
};

/* A list's entry as a struct member, for
 * 'struct foo { FOO_COUNTERS(COUNTER_FIELD) };'. */
#define COUNTER_FIELD(NAME, KIND, MEANING) uint64_t NAME;

/* Adds 'n' to a counter: only its block's writer may. */
static inline void
counter_add(uint64_t *c, uint64_t n)
{
    __atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/* Reads a counter, from any thread. */
static inline uint64_t
counter_get(const uint64_t *c)
{
    return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static inline uint64_t
counter_desc_get(const void *block, const struct counter_desc *d)
{
    return counter_get((const uint64_t *) ((const char *) block
                                           + d->offset));
}

/* The sum of the COUNTER_DROP entries of the 'n' descriptions 'descs' of
 * 'block''s list. */
static inline uint64_t
counter_desc_drops(const void *block, const struct counter_desc *descs,
                   size_t n)
{
    uint64_t drops = 0;

    for (size_t i = 0; i < n; i++) {
        if (descs[i].kind == COUNTER_DROP) {
            drops += counter_desc_get(block, &descs[i]);
        }
    }
    return drops;
}

#endif /* counter.h */
