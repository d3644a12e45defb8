/* Two small protocol modules for the world's own tests. "echo" answers
 * each complete line with "echo: LINE", holds input back after a "wait"
 * line until its worker job runs, and records the largest single feed.
 * "count" answers every feed call with the number of bytes it was given:
 * a core whose output depends on how its input was split. */
#ifndef REED_TEST_ECHO_MODULE_H
#define REED_TEST_ECHO_MODULE_H

#include "proto.h"

extern const reed_protocol_module_t echo_module;
extern const reed_protocol_module_t count_module;
extern size_t echo_max_feed; /* the largest len echo's feed was given */

#endif
