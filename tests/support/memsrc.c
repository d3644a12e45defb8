#include "memsrc.h"
#include "harness.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

mem_account_t *
memsrc_find(memsrc_t *m, const char *name)
{
  for (int i = 0; i < MEMSRC_ACCOUNTS; i++)
    if (m->acc[i].used && strcasecmp(m->acc[i].creds.account, name) == 0)
      return &m->acc[i];
  return NULL;
}

static int
m_get(void *ud, const char *name, reed_creds_t *out)
{
  memsrc_t *m = ud;
  mem_account_t *a = memsrc_find(m, name);

  m->gets++;
  if (m->fail_get != 0)
    return m->fail_get;
  if (a == NULL)
    return REED_ENOACCOUNT;
  *out = a->creds;
  return 0;
}

static int
m_create(void *ud, const reed_creds_t *c, const char *email)
{
  memsrc_t *m = ud;

  m->creates++;
  if (memsrc_find(m, c->account) != NULL)
    return REED_EACCOUNTEXISTS;
  for (int i = 0; i < MEMSRC_ACCOUNTS; i++) {
    if (!m->acc[i].used) {
      m->acc[i] = (mem_account_t){.used = true, .creds = *c};
      snprintf(m->acc[i].email, sizeof(m->acc[i].email), "%s",
               email ? email : "");
      return 0;
    }
  }
  return REED_EIO;
}

static int
m_set(void *ud, const reed_creds_t *c)
{
  memsrc_t *m = ud;
  mem_account_t *a = memsrc_find(m, c->account);

  m->sets++;
  if (a == NULL)
    return REED_ENOACCOUNT;
  a->creds = *c;
  return 0;
}

static int
m_del(void *ud, const char *name)
{
  mem_account_t *a = memsrc_find(ud, name);

  if (a == NULL)
    return REED_ENOACCOUNT;
  a->used = false;
  return 0;
}

static int
m_cert_add(void *ud, const char *name, const char *fp)
{
  mem_account_t *a = memsrc_find(ud, name);

  if (a == NULL)
    return REED_ENOACCOUNT;
  snprintf(a->fp, sizeof(a->fp), "%s", fp);
  return 0;
}

static int
m_cert_del(void *ud, const char *name, const char *fp)
{
  mem_account_t *a = memsrc_find(ud, name);

  if (a == NULL || strcmp(a->fp, fp) != 0)
    return REED_ENOTFOUND;
  a->fp[0] = '\0';
  return 0;
}

/* "" (no certificate) names no account, however many have none. */
static int
m_cert_account(void *ud, const char *fp, char account[REED_AUTH_NAME_MAX + 1])
{
  memsrc_t *m = ud;

  for (int i = 0; i < MEMSRC_ACCOUNTS; i++) {
    if (m->acc[i].used && fp[0] != '\0' && strcmp(m->acc[i].fp, fp) == 0) {
      snprintf(account, REED_AUTH_NAME_MAX + 1, "%s", m->acc[i].creds.account);
      return 0;
    }
  }
  return REED_ENOACCOUNT;
}

void
memsrc_init(memsrc_t *m, reed_credsrc_t *src)
{
  memset(m, 0, sizeof(*m));
  *src = (reed_credsrc_t){
      .get = m_get,
      .create = m_create,
      .set = m_set,
      .del = m_del,
      .cert_add = m_cert_add,
      .cert_del = m_cert_del,
      .cert_account = m_cert_account,
      .ud = m,
  };
}

void
memsrc_add(memsrc_t *m, const char *name, const char *password)
{
  uint8_t s1[REED_SCRAM_SALT_LEN] = {1, 2, 3}, s2[REED_SCRAM_SALT_LEN] = {4};
  reed_creds_t c;

  ASSERT_EQ(reed_auth_creds_make(name, password, strlen(password),
                                 REED_AUTH_HASH_MIN, s1, s2, &c),
            0);
  ASSERT_EQ(m_create(m, &c, NULL), 0);
  m->creates--;
}

void
memsrc_cert(memsrc_t *m, const char *name, const char *fp)
{
  ASSERT_EQ(m_cert_add(m, name, fp), 0);
}
