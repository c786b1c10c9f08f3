/* Output files under the user's folder, named from untrusted scenario text
 * (see out_file.h). */
#include "out_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static bool out_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

bool out_safe_name(const char *name, char *out, size_t size)
{
    size_t n = 0, limit = size - 1 < OUT_NAME_MAX ? size - 1 : OUT_NAME_MAX;
    bool changed = false;
    for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++) {
        if (n == limit) {
            changed = true; /* cut */
            break;
        }
        unsigned char c = *p;
        /* No leading '.' (hidden, "..") and no ".." anywhere. */
        bool keep = out_name_char(c) && !(c == '.' && (n == 0 || out[n - 1] == '.'));
        out[n++] = keep ? (char)c : '_';
        changed |= !keep;
    }
    out[n] = '\0';
    if (n == 0) {
        snprintf(out, size, "scenario");
        changed = true;
    }
    return changed;
}

FILE *out_open(const char *dir, const char *stem, const char *ext, bool binary, char *path,
               size_t path_size)
{
    int n = snprintf(path, path_size, "%s/%s%s", dir, stem, ext);
    if (n < 0 || (size_t)n >= path_size) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    /* O_NOFOLLOW: a symlink planted at DIR/STEM.EXT does not redirect us. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, binary ? "wb" : "w");
    if (!f) {
        int err = errno;
        close(fd);
        errno = err;
    }
    return f;
}

void out_quote(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '\\')
            putc(*p, f);
        else
            fprintf(f, "\\x%02x", *p);
    }
}

void out_message(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            putc(*p, f);
    }
    putc('\n', f);
}
