/* GET /irc: IRC over WebSocket (IRCv3 websocket). The client's preferred
 * subprotocol of binary.ircv3.net and text.ircv3.net wins; none (a legacy
 * client) is text, as ergo and InspIRCd default to. The IRC core runs as
 * on TCP: the bridge (http_wsb.c) adds each line's CRLF and cuts the
 * output into one message per line. */
#include "http_wsb.h"

#include <string.h>

static const char *const irc_protocols[] = {"binary.ircv3.net",
                                            "text.ircv3.net", NULL};

int
reed_ws_irc_route(const reed_http_req_t *req, reed_http_res_t *res)
{
  const char *proto = reed_wsb_pick(req, irc_protocols);
  bool binary = proto != NULL && strcmp(proto, "binary.ircv3.net") == 0;

  return reed_wsb_accept(req, res, "irc", proto,
                         binary ? REED_WSB_IRC_BINARY : REED_WSB_IRC_TEXT);
}
