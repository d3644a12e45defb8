/* The static protocol-module table (docs/design.md): the modules this
 * build has, NULL-terminated. server/CMakeLists.txt defines REED_HAVE_<P>
 * for each protocol library that exists, so reed builds whether or not a
 * protocol has landed yet. */
#include "proto.h"

#ifdef REED_HAVE_IRC
extern const reed_protocol_module_t reed_irc_module;
#endif
#ifdef REED_HAVE_XMPP
extern const reed_protocol_module_t reed_xmpp_module;
#endif
#ifdef REED_HAVE_AMP
extern const reed_protocol_module_t reed_amp_module;
#endif
#ifdef REED_HAVE_HTTP
extern const reed_protocol_module_t reed_http_module;
#endif

extern const reed_protocol_module_t *const reed_protocol_modules[];

const reed_protocol_module_t *const reed_protocol_modules[] = {
#ifdef REED_HAVE_IRC
    &reed_irc_module,
#endif
#ifdef REED_HAVE_XMPP
    &reed_xmpp_module,
#endif
#ifdef REED_HAVE_AMP
    &reed_amp_module,
#endif
#ifdef REED_HAVE_HTTP
    &reed_http_module,
#endif
    NULL,
};
