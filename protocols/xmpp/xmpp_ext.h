/* The service extensions every modern client expects, each in a file of its
 * own with rows in xmpp_tables.c: disco (XEP-0030) and caps (XEP-0115),
 * ping (XEP-0199), version (XEP-0092), blocking (XEP-0191), vcard-temp
 * (XEP-0054), private storage (XEP-0049), PEP (XEP-0163/0060) with
 * bookmarks (XEP-0402) and MAM (XEP-0313).
 *
 * Disco features are data: each family lists the feature vars it serves
 * (xmpp_disco_var_t, NULL-terminated) and names where (the server, the
 * account's bare JID), and reed__xmpp_disco_vars in xmpp_tables.c lists
 * the families. disco#info and the caps hash are built from that table,
 * so a new file's features appear by adding its row. */
#ifndef REED_XMPP_EXT_H
#define REED_XMPP_EXT_H

#include "xmpp_int.h"
#include "xmpp_store.h"

#define REED_NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define REED_NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define REED_NS_CAPS "http://jabber.org/protocol/caps"
#define REED_NS_PING "urn:xmpp:ping"
#define REED_NS_VERSION "jabber:iq:version"
#define REED_NS_BLOCKING "urn:xmpp:blocking"
#define REED_NS_BLOCKING_ERR "urn:xmpp:blocking:errors"
#define REED_NS_VCARD "vcard-temp"
#define REED_NS_PRIVATE "jabber:iq:private"

/* The caps node (XEP-0115 4: a URI naming the software). */
#define REED_CAPS_NODE "urn:reed:caps"

/* ---- Disco (xmpp_disco.c) -------------------------------------------------
 */
enum {
  XMPP_DISCO_SERVER = 1u << 0,  /* disco#info to the domain */
  XMPP_DISCO_ACCOUNT = 1u << 1, /* disco#info to an account's bare JID */
};

typedef struct xmpp_disco_var_s {
  const char *var;
  unsigned where; /* XMPP_DISCO_* */
} xmpp_disco_var_t;

/* One list per family, each ending with a NULL var; the table ends with
 * NULL. */
extern const xmpp_disco_var_t *const reed__xmpp_disco_vars[];

/* The features served at `where`, sorted (i;octet) and without repeats,
 * into vars[max]. Returns how many (at most max). */
size_t reed__xmpp_disco_features(unsigned where, const char **vars, size_t max);
#define XMPP_DISCO_MAX 64

void reed__xmpp_iq_disco_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_disco_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
extern const xmpp_disco_var_t reed__xmpp_disco_disco[];

/* ---- Caps (xmpp_caps.c) ----------------------------------------------------
 * An identity as XEP-0115 5.1 hashes it. */
typedef struct xmpp_identity_s {
  const char *category, *type, *lang, *name; /* lang, name: NULL for none */
} xmpp_identity_t;

/* The verification string of XEP-0115 5.1 (no extended forms): SHA-1 over
 * the identities and features, each sorted here, in base64 (28 characters
 * and a NUL in out[32]). Returns 0 or REED_ENOMEM. */
int reed__xmpp_caps_ver(const xmpp_identity_t *ids, size_t n_ids,
                        const char *const *features, size_t n_features,
                        char out[32]);
/* The server's identity (server/im, "reed"). */
extern const xmpp_identity_t reed__xmpp_server_identity;
/* The <c/> stream feature, once a stream is authenticated. */
void reed__xmpp_feature_caps(reed_xmpp_core_t *c, xmpp_out_t *o);
/* The server's current ver (computed on first use; the table does not
 * change while the process runs). */
const char *reed__xmpp_server_ver(void);

/* ---- Ping and version (xmpp_ping.c, xmpp_version.c) ----------------------
 */
void reed__xmpp_iq_ping(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
extern const xmpp_disco_var_t reed__xmpp_disco_ping[];
void reed__xmpp_iq_version(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
extern const xmpp_disco_var_t reed__xmpp_disco_version[];

/* ---- Blocking (xmpp_block.c, xmpp_block_filter.c) ------------------------
 */
void reed__xmpp_iq_blocklist(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_block(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_unblock(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
extern const xmpp_disco_var_t reed__xmpp_disco_block[];
/* Whether `account`'s blocklist matches `jid` (full, bare or a domain). */
bool reed__xmpp_blocks(const reed_xmpp_core_t *c, const char *account,
                       const char *jid);
bool reed__xmpp_block_message(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
bool reed__xmpp_block_presence(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
bool reed__xmpp_block_iq_accept(const reed_xmpp_core_t *c,
                                const xmpp_stanza_t *st);
void reed__xmpp_block_iq(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
bool reed__xmpp_block_event(reed_xmpp_core_t *c, reed_session_t *s,
                            const reed_event_t *ev);

/* ---- vcard-temp, private storage (xmpp_vcard.c, xmpp_private.c) ---------
 */
void reed__xmpp_iq_vcard_get(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_vcard_set(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
extern const xmpp_disco_var_t reed__xmpp_disco_vcard[];
void reed__xmpp_iq_private(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
extern const xmpp_disco_var_t reed__xmpp_disco_private[];
/* <forbidden/>: a row for what only the owner may do. */
void reed__xmpp_iq_forbidden(reed_xmpp_core_t *c, const xmpp_stanza_t *st);

/* ---- PEP (xmpp_pep.c, xmpp_pep_items.c; xmpp_pep_int.h) -----------------
 */
void reed__xmpp_iq_pubsub(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_pubsub_owner(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
extern const xmpp_disco_var_t reed__xmpp_disco_pep[];

/* ---- Bookmarks (xmpp_bookmarks.c) -----------------------------------------
 * XEP-0402's #compat: XEP-0049's storage:bookmarks is the
 * urn:xmpp:bookmarks:1 node. */
bool reed__xmpp_is_bookmarks(const reed_xml_el_t *el);
/* Appends <storage xmlns='storage:bookmarks'>...</storage>. */
int reed__xmpp_bookmarks_get_private(reed_xmpp_core_t *c, xmpp_out_t *o);
int reed__xmpp_bookmarks_set_private(reed_xmpp_core_t *c,
                                     const reed_xml_el_t *storage);
extern const xmpp_disco_var_t reed__xmpp_disco_bookmarks[];
extern const xmpp_disco_var_t reed__xmpp_disco_commands[]; /* xmpp_adhoc.c */
extern const xmpp_disco_var_t reed__xmpp_disco_carbons[];  /* xmpp_carbons.c */

/* ---- MAM (xmpp_mam.c, xmpp_mam_page.c; xmpp_mam_int.h) ------------------
 */
void reed__xmpp_iq_mam(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
extern const xmpp_disco_var_t reed__xmpp_disco_mam[];

/* ---- Helpers (xmpp_ext_util.c)
 * ------------------------------------------------ The module's store handle,
 * or NULL (no store). */
reed_xstore_t *reed__xmpp_xstore(const reed_xmpp_core_t *c);
/* A row's accept: the iq is to another local account's bare JID (the
 * server answers for the account, RFC 6120 10.3.3). */
bool reed__xmpp_to_account_bare(const reed_xmpp_core_t *c,
                                const xmpp_stanza_t *st);
/* The account a stanza addresses: the user's own (no 'to', its bare
 * JID), else the 'to' localpart when it names an account; NULL when
 * none. */
const char *reed__xmpp_target_account(reed_xmpp_core_t *c,
                                      const xmpp_stanza_t *st);
/* "account@domain", the account lower-cased, into buf. */
void reed__xmpp_account_jid(const reed_xmpp_core_t *c, const char *account,
                            char *buf, size_t size);
/* Appends trusted bytes (markup we serialized and stored). */
void reed__xmpp_out_text_raw(xmpp_out_t *o, const char *s, size_t len);
/* The element serialized with its namespace declared, NUL-terminated, in
 * memory the caller frees (reed_free); NULL without memory. */
char *reed__xmpp_el_string(const reed_xml_el_t *el);
/* Parses `xml` (one element we serialized) and calls cb with its tree
 * (valid during the call) and `arg`. 0, REED_EINVAL or REED_ENOMEM. */
int reed__xmpp_parse_fragment(const char *xml,
                              void (*cb)(void *ud, const reed_xml_el_t *el,
                                         const char *arg),
                              const char *arg, void *ud);

#endif
