/* libFuzzer target: the YAML scenario loader. Any input must load or be
 * refused with a message; nothing may crash, leak or hang. Also built
 * without libFuzzer (replay.c) so `make test` replays the corpus and past
 * crashes under gcc's ASan. */
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scenario sc;
    char error[SCENARIO_ERROR_MAX];
    if (scenario_load_text("fuzz.yaml", (const char *)data, size, NULL, 0, &sc, error,
                           sizeof error) == 0)
        scenario_free(&sc);
    return 0;
}
