/* The drop-reason table (include/tcpsim/drop_reasons.h): strings and
 * sentences by id. */
#include "tcpsim/drop_reasons.h"

#include <stddef.h>

static const char *const drop_names[DROP_REASON_COUNT] = {
#define DROP_REASON_NAME(id, name, sentence) [DROP_##id] = name,
    DROP_REASON_LIST(DROP_REASON_NAME)
#undef DROP_REASON_NAME
};

static const char *const drop_sentences[DROP_REASON_COUNT] = {
#define DROP_REASON_SENTENCE(id, name, sentence) [DROP_##id] = sentence,
    DROP_REASON_LIST(DROP_REASON_SENTENCE)
#undef DROP_REASON_SENTENCE
};

const char *drop_reason_name(enum drop_reason why)
{
    return (unsigned)why < DROP_REASON_COUNT ? drop_names[why] : NULL;
}

const char *drop_reason_sentence(enum drop_reason why)
{
    const char *s = (unsigned)why < DROP_REASON_COUNT ? drop_sentences[why] : NULL;
    return s ? s : "this segment was dropped";
}
