/* Names and messages for enum ts_err, from the one list in errors.h. */
#include "tcpsim/errors.h"

#include <string.h>

static const char *const err_names[] = {
#define TS_ERR_NAME(name, msg) #name,
    TS_ERROR_LIST(TS_ERR_NAME)
#undef TS_ERR_NAME
};

static const char *const err_messages[] = {
#define TS_ERR_MSG(name, msg) msg,
    TS_ERROR_LIST(TS_ERR_MSG)
#undef TS_ERR_MSG
};

const char *ts_err_name(int err)
{
    if (err == TS_OK)
        return "0";
    if (err < 0 || err >= TS_ERR_COUNT)
        return "E?";
    return err_names[err];
}

const char *ts_err_message(int err)
{
    if (err < 0 || err >= TS_ERR_COUNT)
        return "unknown error";
    return err_messages[err];
}

int ts_err_from_name(const char *name)
{
    if (strcmp(name, "0") == 0)
        return TS_OK;
    for (int i = 0; i < TS_ERR_COUNT; i++)
        if (strcmp(name, err_names[i]) == 0)
            return i;
    return -1;
}
