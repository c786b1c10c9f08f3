/* Version, git revision and installed data folder (see build_info.h). */
#include "build_info.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TCPSIM_VERSION
#define TCPSIM_VERSION "0.1.0"
#endif
#ifndef TCPSIM_GIT_REV
#define TCPSIM_GIT_REV "unknown"
#endif
#ifndef TCPSIM_DATADIR
#define TCPSIM_DATADIR "/usr/local/share"
#endif

const char *build_version(void) { return TCPSIM_VERSION; }
const char *build_revision(void) { return TCPSIM_GIT_REV; }

static int plots_here(const char *dir)
{
    char probe[4096];
    struct stat st;
    int n = snprintf(probe, sizeof probe, "%s/ladder.gp", dir);
    return n > 0 && (size_t)n < sizeof probe && stat(probe, &st) == 0 && S_ISREG(st.st_mode);
}

int build_plots_dir(char *out, size_t size)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0'; /* BINDIR */
            int m = snprintf(out, size, "%s/../share/tcpsim/plots", exe);
            if (m > 0 && (size_t)m < size && plots_here(out))
                return 0;
        }
    }
    snprintf(out, size, "%s/tcpsim/plots", TCPSIM_DATADIR);
    return plots_here(out) ? 0 : -1;
}
