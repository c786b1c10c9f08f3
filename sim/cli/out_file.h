/* Files a command writes inside the folder the user named (--out DIR).
 * Their names come from scenario content (its `name:`), which is untrusted
 * input: a student's or a contributor's file. A name is reduced to a safe
 * file name, and the file is opened without following a symlink, so nothing
 * is ever written outside DIR. */
#ifndef TCPSIM_OUT_FILE_H
#define TCPSIM_OUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Longest file-name stem kept from a scenario name. */
#define OUT_NAME_MAX 64

/* Writes into out[size] (size > OUT_NAME_MAX) the stem `name` reduces to:
 * letters, digits, '-', '_' and '.' kept; every other byte (a '/', a
 * control character, a space, any non-ASCII byte) becomes '_', and so does
 * a leading '.' or a '.' after a '.' (no hidden file, no ".."); at most OUT_NAME_MAX bytes;
 * "scenario" when nothing is left. Returns true when it changed `name`. */
bool out_safe_name(const char *name, char *out, size_t size);

/* Opens DIR/STEM EXT for writing (binary when `binary`), refusing to follow
 * a symlink at that path; `stem` must come from out_safe_name or be a fixed
 * name of ours. Writes the path into path[path_size]. NULL with errno set on
 * failure (ENAMETOOLONG when the path does not fit). */
FILE *out_open(const char *dir, const char *stem, const char *ext, bool binary, char *path,
               size_t path_size);

/* Writes `s` to `f` with every byte that is not printable ASCII shown as
 * \xNN, so a name quoted in a message cannot drive the terminal. */
void out_quote(FILE *f, const char *s);

/* Writes a multi-line message that may quote untrusted text (a loader
 * error quoting the source line), then a newline: C0 control characters
 * other than newline and tab, and DEL, are shown as \xNN (an ESC from a
 * scenario file must not reach the terminal); UTF-8 text passes. */
void out_message(FILE *f, const char *s);

#endif
