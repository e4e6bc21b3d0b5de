/* text.c - text validation shared by every parser. */
#include <string.h>

#include "aiops_format.h"

/* Strict UTF-8: no overlong forms, surrogates or code points past
 * U+10FFFF.  Everything we read may end up in JSON output, which cannot
 * carry arbitrary bytes. */
int aiops_utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], cp;
        size_t need;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1;
        else if ((c & 0xf0) == 0xe0)
            need = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3;
        else
            return 0;
        if (n - i <= need)
            return 0;
        cp = c & (0x3fu >> need);
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        if (need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
            return 0;
        if (need == 3 && (cp < 0x10000 || cp > 0x10ffff))
            return 0;
        i += need + 1;
    }
    return 1;
}

/* The one UTF-8 byte order mark check (declared in aiops_format.h). */
size_t aiops_bom_len(const char *s, size_t n)
{
    return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}
