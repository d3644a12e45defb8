/* PEP's files (xmpp_pep.c: publish, create, dispatch; xmpp_pep_items.c:
 * items, retract, delete, access, notifications; xmpp_bookmarks.c:
 * XEP-0402 and its compat mapping to XEP-0049). */
#ifndef REED_XMPP_PEP_INT_H
#define REED_XMPP_PEP_INT_H

#include "xmpp_ext.h"

#define REED_NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define REED_NS_PUBSUB_OWNER "http://jabber.org/protocol/pubsub#owner"
#define REED_NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"
#define REED_NS_PUBSUB_ERRORS "http://jabber.org/protocol/pubsub#errors"
#define REED_NS_DATA "jabber:x:data"
#define REED_NS_BOOKMARKS "urn:xmpp:bookmarks:1"
#define REED_NS_BOOKMARKS_OLD "storage:bookmarks"

/* pubsub#max_items "max", and the bound on any node. */
#define REED_PEP_MAX_ITEMS 256

enum { PEP_OPT_PERSIST = 1, PEP_OPT_ACCESS = 2, PEP_OPT_MAX = 4 };

/* A new node's configuration: presence access, one persistent item;
 * bookmarks: whitelist (the owner only) and max items (XEP-0402 3). */
reed_xpep_conf_t reed__xmpp_pep_defaults(const char *node);
/* Reads a jabber:x:data form below `parent` (NULL: none) onto conf, with
 * the fields present in *set; fields we do not keep are ignored. 0 or
 * REED_EINVAL (a bad value). */
int reed__xmpp_pep_parse_form(const reed_xml_el_t *parent,
                              reed_xpep_conf_t *conf, unsigned *set);
/* An error with a pubsub#errors application condition. */
void reed__xmpp_pep_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                          const char *type, const char *cond, const char *app);
/* Stores the item (unless the node does not persist), answers `st` (when
 * not NULL) and notifies the account's resources. 0 or a store code
 * (nothing answered). */
int reed__xmpp_pep_publish_item(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                                const char *node, const reed_xpep_conf_t *conf,
                                const reed_xpep_item_t *it,
                                const reed_xml_el_t *payload);
void reed__xmpp_pep_publish_result(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                                   const char *node, const char *id);
/* The same with the payload already serialized (it->xml). */
int reed__xmpp_pep_publish_string(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                                  const char *node,
                                  const reed_xpep_conf_t *conf,
                                  const reed_xpep_item_t *it);
/* Notifies with what `o` built (an <items/> or <delete/>). */
void reed__xmpp_pep_notify_out(reed_xmpp_core_t *c, xmpp_out_t *o);
/* Notifies the account's resources of a retraction or a deletion:
 * `body` is the <items/> or <delete/> element inside <event/>. */
void reed__xmpp_pep_notify(reed_xmpp_core_t *c, const char *body);
void reed__xmpp_pep_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                          reed_xml_el_t *items);
void reed__xmpp_pep_retract(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                            reed_xml_el_t *retract);

#endif
