/* reed's IRC module: a sans-IO core (bytes in through feed, model calls
 * out; model events in, lines out through the transport) and the pure line
 * parser and serializer it is built on (irc_line.h).
 *
 * The one thing other parts use is `reed_irc_module` (server/modules.c). */
#ifndef REED_IRC_H
#define REED_IRC_H

#include "proto.h"
#include "irc_line.h"

extern const reed_protocol_module_t reed_irc_module;

#endif
