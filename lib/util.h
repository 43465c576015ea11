/* Small helpers shared by every gfp module. */
#ifndef GFP_UTIL_H
#define GFP_UTIL_H 1

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof (a) / sizeof (a)[0])

/* Given a pointer 'p' to member 'm' of a struct of type 't', returns the
 * containing struct. */
#define CONTAINER_OF(p, t, m) ((t *) (void *) ((char *) (p) - offsetof(t, m)))

#define GFP_ETH_ALEN 6
#define GFP_ETH_HLEN 14         /* Destination, source, ethertype. */
#define GFP_ETH_OVERHEAD 18     /* Header plus CRC: MTU -> max frame. */
#define GFP_MTU_MIN 68
#define GFP_MTU_MAX 9000
#define GFP_BURST_MAX 64

/* The least power of two at least 'n' (ring sizes). */
static inline uint32_t
pow2_ceil(uint32_t n)
{
    uint32_t p = 1;

    while (p < n) {
        p <<= 1;
    }
    return p;
}

/* Strict number parsing: the whole string must be a decimal number within
 * [min, max].  Returns 0 or -EINVAL / -ERANGE. */
int parse_uint(const char *s, unsigned long long min, unsigned long long max,
               unsigned long long *out);

/* Parses "aa:bb:cc:dd:ee:ff" (exactly six two-digit hex groups). */
int parse_mac(const char *s, uint8_t mac[GFP_ETH_ALEN]);
void format_mac(const uint8_t mac[GFP_ETH_ALEN], char buf[18]);

/* Replaces the file 'path' with 'len' bytes of 'data' (mode 0644) through
 * a new file of a unique name in the same directory, renamed over 'path':
 * a reader sees the old file or the new one, never a part, and no symlink
 * (at 'path' or at a predictable temporary name) is followed.  Returns 0
 * or a negative errno. */
int write_file_replace(const char *path, const void *data, size_t len);

#endif /* util.h */
