/* XEP-0363 HTTP File Upload: the upload.<domain> service in disco, its
 * max-file-size form, slot requests (a slot whose token core/files
 * accepts), and the errors: too large, quota, bad requests, disabled. */
#include "files.h"
#include "xext_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DI "http://jabber.org/protocol/disco#info"
#define DITEMS "http://jabber.org/protocol/disco#items"
#define UNS "urn:xmpp:http:upload:0"
#define ME "alice@reed.test/pc"
#define UP "upload.reed.test"
#define REQ(id, name, size)                                                    \
  "<iq type='get' id='" id "' to='" UP "'><request xmlns='" UNS                \
  "' filename='" name "' size='" size "' content-type='image/png'/></iq>"
#define ERR(id, type, cond, rest)                                              \
  "<iq to='" ME "' from='" UP "' type='error' id='" id "'><error type='" type  \
  "'><" cond " " STANZA_NS "/>" rest "</error></iq>"
#define TEXT(t) "<text " STANZA_NS ">" t "</text>"

static void
each_listener(void *ud,
              void (*cb)(void *cbud, const char *module, const char *kind,
                         const char *addr, unsigned port),
              void *cbud)
{
  REED_UNUSED(ud);
  cb(cbud, "irc", "tcp", "127.0.0.1", 6667);
  cb(cbud, "http", "tcp", "127.0.0.1", 8080);
}

static const reed_host_t host = {.each_listener = each_listener};

typedef struct up_s {
  xe_t x;
  char dir[64];
} up_t;

/* A world with uploads on, a data dir of its own holding a fixed key (so
 * tokens, like the portal's counter ids, repeat in every chunked pass). */
static tw_client_t *
up_init(up_t *u, bool enabled)
{
  static const uint8_t key[32] = {1, 2, 3};
  char path[128];
  FILE *f;

  xe_init(&u->x);
  reed_strlcpy(u->dir, "/tmp/reed-xupload-XXXXXX", sizeof(u->dir));
  ASSERT(mkdtemp(u->dir) != NULL);
  snprintf(path, sizeof(path), "%s/upload.key", u->dir);
  ASSERT((f = fopen(path, "wb")) != NULL);
  ASSERT_EQ(fwrite(key, 1, sizeof(key), f), sizeof(key));
  fclose(f);
  u->x.w.sc.data_dir = u->dir;
  u->x.w.sc.upload = (reed_upload_conf_t){
      .enabled = enabled, .max_size = 10240, .quota = 25600, .expire = 3600000};
  u->x.w.tw.host = &host;
  xe_account(&u->x, "alice");
  return xe_login(&u->x, "alice", "pc");
}

static void
up_free(up_t *u)
{
  char cmd[128];

  xe_free(&u->x);
  snprintf(cmd, sizeof(cmd), "rm -rf %s", u->dir);
  ASSERT_EQ(system(cmd), 0);
}

/* The slot's URLs; the token opens the slot in core/files. */
static void
check_slot(up_t *u, const char *out, const char *name, uint64_t size)
{
  static const char head[] =
      "<iq to='" ME "' from='" UP "' type='result' id='s1'><slot xmlns='" UNS
      "'><put url='http://127.0.0.1:8080/upload/";
  char id[REED_FILES_ID_LEN + 1], token[REED_FILES_TOKEN_LEN + 1];
  char want[1024];
  reed_files_t *f;
  reed_files_meta_t m;
  const char *p = out + sizeof(head) - 1;

  ASSERT(strncmp(out, head, sizeof(head) - 1) == 0);
  ASSERT(strlen(p) > REED_FILES_ID_LEN);
  memcpy(id, p, REED_FILES_ID_LEN);
  id[REED_FILES_ID_LEN] = '\0';
  p = strstr(p, "?token=");
  ASSERT(p != NULL);
  memcpy(token, p + 7, REED_FILES_TOKEN_LEN);
  token[REED_FILES_TOKEN_LEN] = '\0';
  snprintf(want, sizeof(want),
           "%s%s/cat%%20photo.png?token=%s'/><get "
           "url='http://127.0.0.1:8080/upload/%s/cat%%20photo.png'/>"
           "</slot></iq>",
           head, id, token, id);
  ASSERT_STR_EQ(out, want);
  ASSERT_EQ(reed_files_open(u->x.w.tw.store, u->dir, NULL, &f), 0);
  ASSERT_EQ(reed_files_check_put(
                f, id, token, name, size, "image/png",
                u->x.w.tw.fc->clock.wall_ms(u->x.w.tw.fc->clock.c), &m),
            0);
  ASSERT_STR_EQ(m.account, "alice");
  reed_files_close(f);
}

static void
s_upload(void *arg)
{
  up_t u;
  tw_client_t *a;

  REED_UNUSED(arg);
  a = up_init(&u, true);
  XE_IQ(a,
        "<iq type='get' id='i' to='reed.test'><query xmlns='" DITEMS "'/></iq>",
        "<iq to='" ME "' from='reed.test' type='result' id='i'><query "
        "xmlns='" DITEMS "'><item jid='conference.reed.test' name='Rooms'/>"
        "<item jid='" UP "' name='HTTP File Upload'/></query></iq>");
  XE_IQ(a, "<iq type='get' id='d' to='" UP "'><query xmlns='" DI "'/></iq>",
        "<iq to='" ME "' from='" UP "' type='result' id='d'><query xmlns='" DI
        "'><identity category='store' type='file' name='HTTP File Upload'/>"
        "<feature var='" DI "'/><feature var='" DITEMS "'/>"
        "<feature var='" UNS "'/><x xmlns='jabber:x:data' type='result'>"
        "<field var='FORM_TYPE' type='hidden'><value>" UNS "</value></field>"
        "<field var='max-file-size'><value>10240</value></field></x>"
        "</query></iq>");
  tw_send(a, REQ("s1", "cat photo.png", "10000"));
  check_slot(&u, tw_take(a), "cat photo.png", 10000);
  XE_IQ(a, REQ("s2", "big.png", "10241"),
        ERR("s2", "modify", "not-acceptable",
            TEXT("File too large") "<file-too-large xmlns='" UNS
                                   "'><max-file-size>10240</max-file-size>"
                                   "</file-too-large>"));
  /* 10000 held by the slot above; 10000 more fit in 25600, then not. */
  tw_send(a, REQ("s3", "b.png", "10000"));
  ASSERT(strstr(tw_take(a), "type='result' id='s3'><slot") != NULL);
  XE_IQ(
      a, REQ("s4", "c.png", "10000"),
      ERR("s4", "wait", "resource-constraint", TEXT("Upload quota exceeded")));
  XE_IQ(a, REQ("s5", "a/b.png", "1"),
        ERR("s5", "modify", "bad-request",
            TEXT("Bad file name or content type")));
  XE_IQ(a,
        "<iq type='get' id='s6' to='" UP "'><request xmlns='" UNS
        "' filename='x'/></iq>",
        ERR("s6", "modify", "bad-request",
            TEXT("filename and size are required")));
  XE_IQ(a, REQ("s7", "x", "-1"),
        ERR("s7", "modify", "bad-request",
            TEXT("filename and size are required")));
  up_free(&u);
}

TEST(upload_slots)
{
  tw_run_chunked(s_upload, NULL);
}

/* Disabled: no item in the server's disco#items, and upload.<domain> is
 * no service of ours. */
static void
s_disabled(void *arg)
{
  up_t u;
  tw_client_t *a;

  REED_UNUSED(arg);
  a = up_init(&u, false);
  XE_IQ(a,
        "<iq type='get' id='i' to='reed.test'><query xmlns='" DITEMS "'/></iq>",
        "<iq to='" ME "' from='reed.test' type='result' id='i'><query "
        "xmlns='" DITEMS "'><item jid='conference.reed.test' name='Rooms'/>"
        "</query></iq>");
  tw_send(a, REQ("s1", "a.png", "1"));
  ASSERT(strstr(tw_take(a), "type='error' id='s1'") != NULL);
  up_free(&u);
}

TEST(upload_disabled)
{
  tw_run_chunked(s_disabled, NULL);
}
