/* XEP-0363 HTTP File Upload (v1.1, urn:xmpp:http:upload:0).
 *
 * The service is upload.<domain>, as Prosody's mod_http_file_share and
 * ejabberd's mod_http_upload name it, rather than the domain itself: the
 * server's disco#info is static (its XEP-0115 hash is computed once),
 * while uploads come and go with [upload] enabled on a reload, and
 * clients find a service through disco#items either way. Nothing routes
 * to upload.<domain> but these rows.
 *
 * A slot is a row of core/files' store: the PUT URL is
 * <base>/upload/<id>/<name>?token=<hex HMAC>, the GET URL the same
 * without the query, both on the [http] listener (protocols/http's
 * http_upload.c takes the bytes). */
#include "xmpp_upload.h"
#include "files.h"
#include "xmpp_ext.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const reed_upload_conf_t *
upconf(const reed_xmpp_core_t *c)
{
  const reed_server_conf_t *sv = c->env->server_conf;

  return sv != NULL ? &sv->upload : NULL;
}

void
reed__xupload_domain(const reed_xmpp_core_t *c, char *buf, size_t size)
{
  snprintf(buf, size, "upload.%s", reed__xmpp_domain(c));
}

bool
reed__xupload_iq_accept(const reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  char dom[REED_JID_PART_MAX + 8];
  const reed_upload_conf_t *up = upconf(c);

  if (up == NULL || !up->enabled || st->to_jid == NULL ||
      st->to_jid->local[0] != '\0' || st->to_jid->resource[0] != '\0')
    return false;
  reed__xupload_domain(c, dom, sizeof(dom));
  return strcasecmp(st->to_jid->domain, dom) == 0;
}

void
reed__xupload_service_item(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  char dom[REED_JID_PART_MAX + 8];
  const reed_upload_conf_t *up = upconf(c);

  if (up == NULL || !up->enabled)
    return;
  reed__xupload_domain(c, dom, sizeof(dom));
  reed__xmpp_out_raw(o, "<item");
  reed__xmpp_out_attr(o, "jid", dom);
  reed__xmpp_out_raw(o, " name='HTTP File Upload'/>");
}

void
reed__xupload_iq_disco_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  char max[32];
  xmpp_out_t o;

  if (reed_xml_attr(st->payload, "node") != NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  snprintf(max, sizeof(max), "%zu", upconf(c)->max_size);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(
      &o, "<query xmlns='" REED_NS_DISCO_INFO "'>"
          "<identity category='store' type='file' "
          "name='HTTP File Upload'/>"
          "<feature var='" REED_NS_DISCO_INFO "'/>"
          "<feature var='" REED_NS_DISCO_ITEMS "'/>"
          "<feature var='" REED_NS_UPLOAD "'/>"
          "<x xmlns='jabber:x:data' type='result'>"
          "<field var='FORM_TYPE' type='hidden'><value>" REED_NS_UPLOAD
          "</value></field>"
          "<field var='max-file-size'><value>");
  reed__xmpp_out_raw(&o, max);
  reed__xmpp_out_raw(&o, "</value></field></x></query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xupload_iq_disco_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_DISCO_ITEMS "'/>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* The module's handle, opened at the first slot (uploads may be enabled
 * by a reload, and a server without them makes no key file). */
static reed_files_t *
files(reed_xmpp_core_t *c)
{
  reed_xmpp_state_t *st = c->st;
  const reed_server_conf_t *sv = c->env->server_conf;

  if (st->files == NULL && st->env->store != NULL && sv != NULL &&
      sv->data_dir != NULL)
    reed_files_open(st->env->store, sv->data_dir, st->env->log, &st->files);
  return st->files;
}

void
reed__xupload_cleanup(reed_xmpp_state_t *st)
{
  reed_files_close(st->files);
  st->files = NULL;
}

/* XEP-0363 3: file-too-large carries the limit. */
static void
too_large(reed_xmpp_core_t *c, const xmpp_stanza_t *st, size_t max)
{
  char extra[160];

  snprintf(extra, sizeof(extra),
           "<file-too-large xmlns='" REED_NS_UPLOAD
           "'><max-file-size>%zu</max-file-size></file-too-large>",
           max);
  reed__xmpp_stanza_error_ext(c, st, "modify", "not-acceptable",
                              "File too large", extra);
}

static bool
parse_size(const char *s, uint64_t *out)
{
  char *end;

  if (s == NULL || *s < '0' || *s > '9' || strlen(s) > 19)
    return false;
  *out = strtoull(s, &end, 10);
  return *end == '\0';
}

/* The base URL from [upload] url or the [http] listener the host has. */
static int
base_url(reed_xmpp_core_t *c, char *out, size_t size)
{
  const reed_host_t *h = c->env->host;

  return reed_files_base_url(c->env->server_conf,
                             h != NULL ? h->each_listener : NULL,
                             h != NULL ? h->ud : NULL, out, size);
}

static void
answer_slot(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
            const reed_files_meta_t *m, const char *token, const char *base)
{
  char name[REED_FILES_NAME_MAX * 3 + 1], url[4096];
  xmpp_out_t o;

  reed_files_pct_encode(m->name, name, sizeof(name));
  snprintf(url, sizeof(url), "%s/upload/%s/%s", base, m->id, name);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<slot xmlns='" REED_NS_UPLOAD "'><put");
  {
    char put[4200];
    snprintf(put, sizeof(put), "%s?token=%s", url, token);
    reed__xmpp_out_attr(&o, "url", put);
  }
  reed__xmpp_out_raw(&o, "/><get");
  reed__xmpp_out_attr(&o, "url", url);
  reed__xmpp_out_raw(&o, "/></slot>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

static void
slot_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st, int rc)
{
  switch (rc) {
  case REED_ETOOBIG:
    too_large(c, st, upconf(c)->max_size);
    break;
  case REED_ELIMIT:
    reed__xmpp_stanza_error(c, st, "wait", "resource-constraint",
                            "Upload quota exceeded");
    break;
  case REED_EINVAL:
    reed__xmpp_stanza_error(c, st, "modify", "bad-request",
                            "Bad file name or content type");
    break;
  default:
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  }
}

void
reed__xupload_iq_request(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *name = reed_xml_attr(st->payload, "filename");
  const char *type = reed_xml_attr(st->payload, "content-type");
  char token[REED_FILES_TOKEN_LEN + 1], base[2048];
  uint8_t rnd[REED_FILES_RND];
  reed_files_meta_t m;
  uint64_t size;
  reed_files_t *f;
  int rc;

  if (c->account[0] == '\0') {
    reed__xmpp_stanza_error(c, st, "auth", "not-authorized", NULL);
    return;
  }
  if (name == NULL || !parse_size(reed_xml_attr(st->payload, "size"), &size)) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request",
                            "filename and size are required");
    return;
  }
  if ((f = files(c)) == NULL || base_url(c, base, sizeof(base)) != 0) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  reed_portal_random(c->env->portal, rnd, sizeof(rnd));
  rc = reed_files_slot(f, upconf(c), rnd, c->account, name, size,
                       type != NULL ? type : "",
                       c->env->clock->wall_ms(c->env->clock->c), &m, token);
  if (rc != 0) {
    slot_error(c, st, rc);
    return;
  }
  answer_slot(c, st, &m, token, base);
}
