/* server/net without sockets to clients: the self-signed certificate, TLS
 * context errors, the clock and worker over libuv, listener errors. */
#include "harness.h"
#include "line_module.h"
#include "net_int.h"
#include "netclient.h"

#include <openssl/pem.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void
quiet_log(reed_log_t *log)
{
  reed_log_init_stderr(log, REED_LOG_ERROR + 1);
}

static X509 *
read_cert(const char *path)
{
  FILE *f = fopen(path, "r");
  X509 *x;

  ASSERT(f != NULL);
  x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  ASSERT(x != NULL);
  return x;
}

static EVP_PKEY *
read_key(const char *path)
{
  FILE *f = fopen(path, "r");
  EVP_PKEY *k;

  ASSERT(f != NULL);
  k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  ASSERT(k != NULL);
  return k;
}

TEST(selfsigned_generates)
{
  char dir[256], cert[512], key[512], fp1[65], fp2[65], cn[64];
  struct stat st;
  int days = 0, secs = 0;

  make_tmpdir(dir, sizeof(dir));
  ASSERT_EQ(reed_net_selfsigned(dir, "reed.test", cert, key, sizeof(cert)), 0);
  ASSERT_EQ(stat(key, &st), 0);
  ASSERT_EQ(st.st_mode & 0777, 0600);
  X509 *x = read_cert(cert);
  EVP_PKEY *k = read_key(key);
  X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn,
                            sizeof(cn));
  ASSERT_STR_EQ(cn, "reed.test");
  ASSERT(X509_check_private_key(x, k) == 1);
  ASSERT(X509_verify(x, k) == 1); /* self-signed */
  ASSERT(EVP_PKEY_is_a(k, "EC"));
  ASSERT(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x),
                        X509_get0_notAfter(x)) == 1);
  ASSERT(days >= 3652 && days <= 3653);
  X509_free(x);
  EVP_PKEY_free(k);
  /* A second run keeps what is there. */
  pem_fingerprint(cert, fp1);
  ASSERT_EQ(reed_net_selfsigned(dir, "other", cert, key, sizeof(cert)), 0);
  pem_fingerprint(cert, fp2);
  ASSERT_STR_EQ(fp1, fp2);
  /* With the key gone, both are made again. */
  ASSERT_EQ(unlink(key), 0);
  ASSERT_EQ(reed_net_selfsigned(dir, "other", cert, key, sizeof(cert)), 0);
  pem_fingerprint(cert, fp2);
  ASSERT(strcmp(fp1, fp2) != 0);
  tmp_cleanup();
}

TEST(selfsigned_bad_args)
{
  char cert[64], key[64];

  ASSERT_EQ(reed_net_selfsigned(NULL, "x", cert, key, sizeof(cert)),
            REED_EINVAL);
  ASSERT_EQ(reed_net_selfsigned("/tmp", "", cert, key, sizeof(cert)),
            REED_EINVAL);
  /* Paths that do not fit. */
  ASSERT_EQ(reed_net_selfsigned("/tmp/a/very/long/directory/name/here", "x",
                                cert, key, 16),
            REED_EINVAL);
  ASSERT_EQ(
      reed_net_selfsigned("/nonexistent/dir", "x", cert, key, sizeof(cert)),
      REED_EIO);
}

TEST(set_tls_errors)
{
  reed_log_t log;
  reed_net_t *net;
  char dir[256], cert[512], key[512], other[256], ocert[512], okey[512];
  reed_net_opts_t opts = {.log = &log};

  quiet_log(&log);
  make_tmpdir(dir, sizeof(dir));
  make_tmpdir(other, sizeof(other));
  ASSERT_EQ(reed_net_selfsigned(dir, "a", cert, key, sizeof(cert)), 0);
  ASSERT_EQ(reed_net_selfsigned(other, "b", ocert, okey, sizeof(ocert)), 0);
  ASSERT_EQ(reed_net_new(&opts, &net), 0);
  ASSERT_EQ(reed_net_set_tls(net, "/nonexistent.pem", key), REED_ETLS);
  ASSERT(net->ctx == NULL);
  /* A key that does not match the certificate. */
  ASSERT_EQ(reed_net_set_tls(net, cert, okey), REED_ETLS);
  ASSERT_EQ(reed_net_set_tls(net, cert, key), 0);
  SSL_CTX *good = net->ctx;
  /* A failed reload keeps the old context. */
  ASSERT_EQ(reed_net_set_tls(net, ocert, key), REED_ETLS);
  ASSERT(net->ctx == good);
  reed_net_free(net);
  tmp_cleanup();
}

typedef struct {
  reed_net_t *net;
  char order[16];
  int n;
} clock_test_t;

static clock_test_t ct;

static void
fired(void *arg)
{
  ct.order[ct.n++] = *(const char *)arg;
  if (ct.n == 3)
    reed_net_shutdown(ct.net);
}

TEST(clock_order_cancel)
{
  reed_log_t log;
  reed_net_opts_t opts = {.log = &log};
  reed_clock_t *clk;
  uint64_t ids[4], t0;

  quiet_log(&log);
  ASSERT_EQ(reed_net_new(&opts, &ct.net), 0);
  clk = reed_net_clock(ct.net);
  t0 = clk->now_ms(clk->c);
  ids[0] = clk->call_later(clk->c, 30, fired, "c");
  ids[1] = clk->call_later(clk->c, 10, fired, "a");
  ids[2] = clk->call_later(clk->c, 15, fired, "x");
  ids[3] = clk->call_later(clk->c, 20, fired, "b");
  for (int i = 0; i < 4; i++)
    ASSERT(ids[i] != 0);
  clk->cancel(clk->c, ids[2]);
  clk->cancel(clk->c, ids[2]); /* twice: ignored */
  clk->cancel(clk->c, 9999);   /* unknown: ignored */
  ASSERT_EQ(ct.net->timers.count, 3);
  reed_net_run(ct.net);
  ASSERT_STR_EQ(ct.order, "abc");
  ASSERT(clk->now_ms(clk->c) >= t0 + 30);
  ASSERT_EQ(ct.net->timers.count, 0);
  uint64_t wall = clk->wall_ms(clk->c), now = (uint64_t)time(NULL) * 1000;
  ASSERT(wall + 2000 > now && wall < now + 2000);
  reed_net_free(ct.net);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* Many timers through the heap: they fire in (delay, creation) order,
 * cancelled ones never, and the heap's storage is gone once all ran. */
typedef struct {
  reed_net_t *net;
  int fired[600], n, want;
} heap_test_t;

static heap_test_t ht;

static void
heap_fired(void *arg)
{
  ht.fired[ht.n++] = (int)(intptr_t)arg;
  if (ht.n == ht.want)
    reed_net_shutdown(ht.net);
}

static int
delay_of(int i)
{
  return (i * 7919) % 40;
}

TEST(clock_heap_order_many)
{
  reed_log_t log;
  reed_net_opts_t opts = {.log = &log};
  reed_clock_t *clk;
  uint64_t ids[600];

  quiet_log(&log);
  memset(&ht, 0, sizeof(ht));
  ASSERT_EQ(reed_net_new(&opts, &ht.net), 0);
  clk = reed_net_clock(ht.net);
  for (int i = 0; i < 600; i++) {
    ids[i] = clk->call_later(clk->c, (uint64_t)delay_of(i), heap_fired,
                             (void *)(intptr_t)i);
    ASSERT(ids[i] != 0);
  }
  for (int i = 0; i < 600; i += 3)
    clk->cancel(clk->c, ids[i]);
  ht.want = 400;
  ASSERT_EQ(ht.net->timers.count, 400);
  reed_net_run(ht.net);
  ASSERT_EQ(ht.n, 400);
  for (int k = 0; k < ht.n; k++) {
    ASSERT(ht.fired[k] % 3 != 0);
    if (k > 0) {
      int a = ht.fired[k - 1], b = ht.fired[k];
      ASSERT(delay_of(a) < delay_of(b) ||
             (delay_of(a) == delay_of(b) && a < b));
    }
  }
  ASSERT_EQ(ht.net->timers.count, 0);
  ASSERT(ht.net->timers.heap == NULL);
  reed_net_free(ht.net);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* A timer that re-arms itself with no delay runs once per pass, so the
 * loop goes on (here: until it has run five times). */
static void
rearm_zero(void *arg)
{
  reed_clock_t *clk = reed_net_clock(ht.net);

  REED_UNUSED(arg);
  if (++ht.n == 5)
    reed_net_shutdown(ht.net);
  else
    ASSERT(clk->call_later(clk->c, 0, rearm_zero, NULL) != 0);
}

TEST(clock_rearm_zero_terminates)
{
  reed_log_t log;
  reed_net_opts_t opts = {.log = &log};
  reed_clock_t *clk;

  quiet_log(&log);
  memset(&ht, 0, sizeof(ht));
  ASSERT_EQ(reed_net_new(&opts, &ht.net), 0);
  clk = reed_net_clock(ht.net);
  ASSERT(clk->call_later(clk->c, 0, rearm_zero, NULL) != 0);
  reed_net_run(ht.net);
  ASSERT_EQ(ht.n, 5);
  reed_net_free(ht.net);
  ASSERT_EQ(reed_alloc_live(), 0);
}

typedef struct {
  reed_net_t *net;
  pthread_t loop_thread, work_thread;
  int work_ran, done_status, done_calls;
} job_t;

static void
job_work(void *arg)
{
  job_t *j = arg;

  j->work_thread = pthread_self();
  j->work_ran = 1;
}

static void
job_done(void *arg, int status)
{
  job_t *j = arg;

  ASSERT(pthread_equal(pthread_self(), j->loop_thread));
  j->done_status = status;
  j->done_calls++;
  reed_net_shutdown(j->net);
}

TEST(worker_runs_off_loop)
{
  reed_log_t log;
  reed_net_opts_t opts = {.log = &log};
  job_t j = {.loop_thread = pthread_self(), .done_status = 99};
  reed_worker_t *w;

  quiet_log(&log);
  ASSERT_EQ(reed_net_new(&opts, &j.net), 0);
  w = reed_net_worker(j.net);
  ASSERT_EQ(w->submit(w->w, job_work, job_done, &j), 0);
  reed_net_run(j.net);
  ASSERT_EQ(j.work_ran, 1);
  ASSERT(!pthread_equal(j.work_thread, j.loop_thread));
  ASSERT_EQ(j.done_calls, 1);
  ASSERT_EQ(j.done_status, 0);
  reed_net_free(j.net);
}

TEST(listen_errors)
{
  reed_log_t log;
  reed_net_opts_t opts = {.log = &log};
  reed_net_t *net;
  reed_net_listen_t bad_addr = {
      .module = &line_module, .kind = REED_LISTEN_TCP, .address = "not-an-ip"};
  reed_net_listen_t ssl_nocert = {
      .module = &line_module, .kind = REED_LISTEN_SSL, .address = "127.0.0.1"};
  reed_net_listen_t no_module = {.kind = REED_LISTEN_TCP};
  reed_net_listen_t unix_nopath = {.module = &line_module,
                                   .kind = REED_LISTEN_UNIX};
  reed_net_listen_t ok = {
      .module = &line_module, .kind = REED_LISTEN_TCP, .address = "127.0.0.1"};

  quiet_log(&log);
  ASSERT_EQ(reed_net_new(&opts, &net), 0);
  ASSERT_EQ(reed_net_listen(net, &bad_addr), REED_EIO);
  ASSERT_EQ(reed_net_listen(net, &ssl_nocert), REED_ETLS);
  ASSERT_EQ(reed_net_listen(net, &no_module), REED_EINVAL);
  ASSERT_EQ(reed_net_listen(net, &unix_nopath), REED_EINVAL);
  ASSERT_EQ(reed_net_listen(net, &ok), 0);
  ASSERT(net->listeners != NULL);
  /* The same port twice: the second bind fails. */
  struct sockaddr_in a;
  int len = sizeof(a);
  uv_tcp_getsockname(&net->listeners->io.tcp, (struct sockaddr *)&a, &len);
  ok.port = ntohs(a.sin_port);
  ASSERT_EQ(reed_net_listen(net, &ok), REED_EIO);
  reed_net_free(net);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static void *
term_later(void *arg)
{
  REED_UNUSED(arg);
  usleep(300 * 1000);
  kill(getpid(), SIGTERM);
  return NULL;
}

/* With nothing to do the loop blocks until a signal, and SIGTERM ends the
 * run: a spinning loop would burn the whole 300 ms of CPU. */
TEST(run_idle_blocks_until_sigterm)
{
  reed_log_t log;
  reed_net_opts_t opts = {.log = &log};
  reed_net_t *net;
  pthread_t th;
  clock_t cpu;

  quiet_log(&log);
  ASSERT_EQ(reed_net_new(&opts, &net), 0);
  cpu = clock();
  ASSERT_EQ(pthread_create(&th, NULL, term_later, NULL), 0);
  ASSERT_EQ(reed_net_run(net), 0);
  cpu = clock() - cpu;
  pthread_join(th, NULL);
  ASSERT(cpu < CLOCKS_PER_SEC / 10);
  reed_net_free(net);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static void
shutdown_cb(void *arg)
{
  reed_net_shutdown(arg);
}

static int
connect_port(reed_net_t *net)
{
  struct sockaddr_in a;
  int len = sizeof(a), fd;

  uv_tcp_getsockname(&net->listeners->io.tcp, (struct sockaddr *)&a, &len);
  fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT(fd >= 0);
  ASSERT(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
  return fd;
}

/* Allocation N fails (and every one after it) while a client connects,
 * talks and the server shuts down: no crash, and everything is freed. */
TEST(failmalloc_connection)
{
  reed_net_listen_t spec = {
      .module = &line_module, .kind = REED_LISTEN_TCP, .address = "127.0.0.1"};
  reed_log_t log;
  reed_net_opts_t opts = {.log = &log};
  long base = reed_alloc_live();

  quiet_log(&log);
  for (long k = 0; k < 40; k++) {
    reed_net_t *net;
    reed_clock_t *clk;
    ASSERT_EQ(reed_net_new(&opts, &net), 0);
    ASSERT_EQ(reed_net_listen(net, &spec), 0);
    clk = reed_net_clock(net);
    ASSERT(clk->call_later(clk->c, 50, shutdown_cb, net) != 0);
    int fd = connect_port(net);
    const char *talk = "one\r\nBROADCAST two\r\npartial";
    ASSERT(send(fd, talk, strlen(talk), 0) == (ssize_t)strlen(talk));
    reed_alloc_fail_after(k);
    reed_net_run(net);
    reed_alloc_fail_after(-1);
    close(fd);
    reed_net_free(net);
    ASSERT_EQ(reed_alloc_live(), base);
  }
}

/* Inner sessions (IRC over a WebSocket): max_per_ip and the connect rate
 * under the client's address; nothing taken when the connection being fed
 * (the carrier) has that address already; fresh connection ids. */
TEST(inner_admission)
{
  reed_log_t log;
  reed_net_t *net;
  reed_net_opts_t opts = {
      .log = &log,
      .limits = {.max_per_ip = 1, .connect_burst = 2, .connect_rate = 1}};
  static reed_conn_t carrier;
  uint64_t id;

  quiet_log(&log);
  ASSERT_EQ(reed_net_new(&opts, &net), 0);
  ASSERT_EQ(reed_net_admit(net, "198.51.100.7"), 0);
  ASSERT_EQ(reed_net_admit(net, "198.51.100.7"), REED_ELIMIT); /* per IP */
  reed_net_release(net, "198.51.100.7");
  ASSERT_EQ(reed_net_admit(net, "198.51.100.7"), REED_ELIMIT); /* rate */
  ASSERT_EQ(net->refused, 2);
  /* A direct client: its carrier holds the address's slot. */
  reed_strlcpy(carrier.peer.ip, "203.0.113.4", sizeof(carrier.peer.ip));
  net->feeding = &carrier;
  ASSERT_EQ(reed_net_admit(net, "203.0.113.4"), 1);
  ASSERT_EQ(reed_net_admit(net, "::ffff:203.0.113.4"), 1);
  /* Behind a proxy: the client's own address is counted. */
  ASSERT_EQ(reed_net_admit(net, "192.0.2.9"), 0);
  ASSERT_EQ(reed_net_admit(net, "192.0.2.9"), REED_ELIMIT);
  reed_net_release(net, "192.0.2.9");
  net->feeding = NULL;
  id = reed_net_next_conn_id(net);
  ASSERT_EQ(reed_net_next_conn_id(net), id + 1);
  reed_net_free(net);
}
