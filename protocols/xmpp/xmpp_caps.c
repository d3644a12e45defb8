/* XEP-0115 entity capabilities: the verification string of section 5.1
 * and the <c/> the server puts in its stream features (section 6.3), so a
 * client learns the server's features without a disco round trip. */
#include "xmpp_ext.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

const xmpp_identity_t reed__xmpp_server_identity = {
    .category = "server", .type = "im", .name = "reed"};

static const char *
or_empty(const char *s)
{
  return s != NULL ? s : "";
}

/* Section 5.1 step 1: identities sort by category, then type, then
 * xml:lang (name is not a key). */
static int
cmp_identity(const void *pa, const void *pb)
{
  const xmpp_identity_t *a = pa, *b = pb;
  int r = strcmp(a->category, b->category);

  if (r == 0)
    r = strcmp(a->type, b->type);
  if (r == 0)
    r = strcmp(or_empty(a->lang), or_empty(b->lang));
  return r;
}

static int
cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
put(reed_buf_t **b, int *err, const char *s)
{
  if (*err == 0)
    *err = reed_buf_append(b, s, strlen(s));
}

static void
build(reed_buf_t **b, int *err, const xmpp_identity_t *ids, size_t n_ids,
      const char **feats, size_t n_feats)
{
  for (size_t i = 0; i < n_ids; i++) {
    put(b, err, ids[i].category);
    put(b, err, "/");
    put(b, err, ids[i].type);
    put(b, err, "/");
    put(b, err, or_empty(ids[i].lang));
    put(b, err, "/");
    put(b, err, or_empty(ids[i].name));
    put(b, err, "<");
  }
  for (size_t i = 0; i < n_feats; i++) {
    put(b, err, feats[i]);
    put(b, err, "<");
  }
}

int
reed__xmpp_caps_ver(const xmpp_identity_t *ids, size_t n_ids,
                    const char *const *features, size_t n_features,
                    char out[32])
{
  xmpp_identity_t *is = reed_calloc(n_ids + 1, sizeof(*is));
  const char **fs = reed_calloc(n_features + 1, sizeof(*fs));
  reed_buf_t *b = reed_buf_new(512);
  uint8_t md[SHA_DIGEST_LENGTH];
  int err = is == NULL || fs == NULL || b == NULL ? REED_ENOMEM : 0;

  if (err == 0) {
    if (n_ids > 0) /* no identities or features: NULL is allowed */
      memcpy(is, ids, n_ids * sizeof(*is));
    if (n_features > 0)
      memcpy(fs, features, n_features * sizeof(*fs));
    qsort(is, n_ids, sizeof(*is), cmp_identity);
    qsort(fs, n_features, sizeof(*fs), cmp_str);
    build(&b, &err, is, n_ids, fs, n_features);
  }
  if (err == 0) {
    SHA1((const uint8_t *)b->data, b->len, md);
    reed_base64_encode(md, sizeof(md), out);
  }
  reed_buf_unref(b);
  reed_free(fs);
  reed_free(is);
  return err;
}

/* The features cannot change while the process runs (the table is
 * const), so the hash is computed once. */
const char *
reed__xmpp_server_ver(void)
{
  static char ver[32];
  const char *vars[XMPP_DISCO_MAX];
  size_t n;

  if (ver[0] == '\0') {
    n = reed__xmpp_disco_features(XMPP_DISCO_SERVER, vars, XMPP_DISCO_MAX);
    if (reed__xmpp_caps_ver(&reed__xmpp_server_identity, 1, vars, n, ver) < 0)
      ver[0] = '\0';
  }
  return ver;
}

void
reed__xmpp_feature_caps(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  const char *ver;

  if (!c->authed || c->bound || (ver = reed__xmpp_server_ver())[0] == '\0')
    return;
  reed__xmpp_out_raw(o, "<c xmlns='" REED_NS_CAPS "' hash='sha-1' node='");
  reed__xmpp_out_raw(o, REED_CAPS_NODE);
  reed__xmpp_out_raw(o, "'");
  reed__xmpp_out_attr(o, "ver", ver);
  reed__xmpp_out_raw(o, "/>");
}
