/* Replays fuzzer inputs without libFuzzer: each argument is a file or a
 * folder of files, each handed once to LLVMFuzzerTestOneInput. Built with
 * the ordinary ASan+UBSan test flags, so `make test` needs no clang. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    uint8_t chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n > cap) {
            cap = 2 * (len + n);
            uint8_t *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = grown;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    /* A copy of exactly `len` bytes, as libFuzzer passes them (ASan sees overreads). */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    if (len)
        memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    size_t inputs = 0;
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such file or folder: %s\n", argv[i]);
            bad = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad |= replay_file(argv[i]) != 0;
            inputs++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d) {
            bad = 1;
            continue;
        }
        char **names = NULL;
        size_t count = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            char **grown = realloc(names, (count + 1) * sizeof *names);
            if (!grown)
                break;
            names = grown;
            size_t len = strlen(argv[i]) + strlen(de->d_name) + 2;
            if (!(names[count] = malloc(len)))
                break;
            snprintf(names[count++], len, "%s/%s", argv[i], de->d_name);
        }
        closedir(d);
        if (count)
            qsort(names, count, sizeof *names, compare);
        for (size_t j = 0; j < count; j++) {
            struct stat fs;
            if (stat(names[j], &fs) == 0 && S_ISREG(fs.st_mode)) {
                bad |= replay_file(names[j]) != 0;
                inputs++;
            }
            free(names[j]);
        }
        free(names);
    }
    printf("replay %s: %zu inputs\n", argv[0], inputs);
    return bad;
}
