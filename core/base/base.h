/* reed base layer: what every part may use. libc only.
 *
 * Error codes, allocation that tests can make fail, refcounted buffers,
 * the clock and worker interfaces (implemented by server/net on libuv and by
 * tests/support as fakes), and logging that folds repeated lines. */
#ifndef REED_BASE_H
#define REED_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define REED_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define REED_UNUSED(x) ((void)(x))

#if defined(__GNUC__)
#define REED_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define REED_PRINTF(f, a)
#endif

/* ---- Error codes ----------------------------------------------------------
 * Functions return 0 or a negative REED_E* code. Codes at or below
 * REED_EFATAL tear down only the object concerned (a connection, a login),
 * never the server. Domain codes name what happened in the model's terms;
 * each protocol maps them to its own replies through one table. */
#define REED_ERRNO_MAP(X)                                                      \
  X(ENOMEM, -1, "out of memory")                                               \
  X(EINVAL, -2, "invalid argument")                                            \
  X(EQUEUEFULL, -3, "send queue full")                                         \
  X(EPAUSE, -4, "paused")                                                      \
  X(ENOTFOUND, -5, "not found")                                                \
  X(EEXIST, -6, "already exists")                                              \
  X(EIO, -7, "input/output error")                                             \
  X(ETOOBIG, -8, "too large")                                                  \
  X(ESYNTAX, -9, "syntax error")                                               \
  X(ECONFIG, -10, "configuration error")                                       \
  X(ETLS, -11, "TLS error")                                                    \
  X(ELIMIT, -12, "limit reached")                                              \
  X(ECLOSED, -13, "connection closed")                                         \
  X(EAUTH, -20, "authentication failed")                                       \
  X(ETHROTTLED, -21, "too many attempts, try again later")                     \
  X(EAUTHSTATE, -22, "authentication exchange out of order")                   \
  X(EBADACCOUNT, -23, "invalid account name")                                  \
  X(EACCOUNTEXISTS, -24, "account already exists")                             \
  X(ENOACCOUNT, -25, "no such account")                                        \
  X(EREGCLOSED, -26, "registration is closed")                                 \
  X(EWEAKPASSWORD, -27, "password too short")                                  \
  X(EREGTHROTTLED, -28, "too many registrations recently, try again later")    \
  X(EBADNICK, -40, "erroneous nickname")                                       \
  X(ENICKINUSE, -41, "nickname is already in use")                             \
  X(ENOSUCHNICK, -42, "no such nick")                                          \
  X(ENICKRESERVED, -43, "nickname is reserved for an account")                 \
  X(EBADROOM, -44, "invalid room name")                                        \
  X(ENOSUCHROOM, -45, "no such room")                                          \
  X(ENOTMEMBER, -46, "not a member of that room")                              \
  X(EALREADYMEMBER, -47, "already a member of that room")                      \
  X(EBANNED, -48, "banned from that room")                                     \
  X(EINVITEONLY, -49, "room is invite only")                                   \
  X(EBADKEY, -50, "wrong room key")                                            \
  X(EROOMFULL, -51, "room is full")                                            \
  X(EMODERATED, -52, "room is moderated")                                      \
  X(ENOPRIV, -53, "operator privileges needed")                                \
  X(ENOEXTERNAL, -54, "room takes no messages from outside")                   \
  X(ETARGETNOTMEMBER, -55, "target is not a member of that room")              \
  X(EBADTEXT, -56, "invalid text")                                             \
  X(EBADTOPIC, -57, "invalid topic")                                           \
  X(EBADMODE, -58, "invalid mode")                                             \
  X(ENICKMERGE, -59, "nick change would merge two members")                    \
  X(ETOOMANYROOMS, -60, "too many rooms joined")                               \
  X(ENOSUCHMSG, -61, "no such message")                                        \
  X(ELISTFULL, -62, "list is full")                                            \
  X(EUNAVAILABLE, -63, "temporarily unavailable")                              \
  X(ELASTOWNER, -64, "the room needs an owner")                                \
  X(EFATAL, -100, "fatal error for this connection")                           \
  X(EPROTO, -101, "protocol violation")

enum {
  REED_OK = 0,
#define REED__ERR_ENUM(name, val, msg) REED_##name = (val),
  REED_ERRNO_MAP(REED__ERR_ENUM)
#undef REED__ERR_ENUM
};

/* Returns a static sentence for an error code ("unknown error" otherwise). */
const char *reed_strerror(int err);
/* Returns the code's name without the prefix, e.g. "ENICKINUSE". */
const char *reed_err_name(int err);

/* ---- Allocation ----------------------------------------------------------
 * All of reed allocates through these, so tests can make allocation N fail
 * (reed_alloc_fail_after) and count live allocations. */
void *reed_malloc(size_t n);
void *reed_calloc(size_t count, size_t n);
void *reed_realloc(void *p, size_t n);
void reed_free(void *p);
char *reed_strdup(const char *s);
char *reed_strndup(const char *s, size_t n);
/* Room for one more element in a growable array: when n == *cap, the array
 * at *(T **)array (NULL when empty) is reallocated to twice *cap elements
 * of `elem` bytes (`first` when *cap is 0). 0, or REED_ENOMEM with the
 * array and *cap unchanged (also when the size would overflow). */
int reed_array_grow(void *array, size_t *cap, size_t n, size_t elem,
                    size_t first);

/* Test hook: the allocation after `n` more successful ones fails, and every
 * one after it, until reset with n < 0. */
void reed_alloc_fail_after(long n);
/* Number of live reed_malloc'd blocks (for leak checks in tests). */
long reed_alloc_live(void);

/* ---- Refcounted buffers ---------------------------------------------------
 * One formatting referenced by many send queues. `data` and `len` are
 * public and read-only once the buffer is shared. */
typedef struct reed_buf_s {
  uint32_t refs;
  size_t len;
  size_t cap;
  uint8_t data[];
} reed_buf_t;

/* A buffer with room for `cap` bytes and one reference; NULL on no memory. */
reed_buf_t *reed_buf_new(size_t cap);
/* A buffer holding a copy of `len` bytes of `p`. */
reed_buf_t *reed_buf_from(const void *p, size_t len);
/* Appends to a buffer that has one reference; may move it, so the caller
 * replaces its pointer. Returns 0 or REED_ENOMEM (the old buffer stays). */
int reed_buf_append(reed_buf_t **b, const void *p, size_t len);
int reed_buf_printf(reed_buf_t **b, const char *fmt, ...) REED_PRINTF(2, 3);
reed_buf_t *reed_buf_ref(reed_buf_t *b);
void reed_buf_unref(reed_buf_t *b);

/* ---- Clock (Twisted IReactorTime) ----------------------------------------
 * The model and the protocol cores read time only through this. */
typedef void (*reed_timer_cb)(void *arg);
typedef struct reed_clock_s {
  /* Milliseconds on a monotonic clock (for timeouts). */
  uint64_t (*now_ms)(void *c);
  /* Milliseconds since the Unix epoch (for server timestamps). */
  uint64_t (*wall_ms)(void *c);
  /* Calls cb(arg) once after `ms`; returns an id, never 0 (0 on ENOMEM). */
  uint64_t (*call_later)(void *c, uint64_t ms, reed_timer_cb cb, void *arg);
  /* Cancels a pending call; unknown or fired ids are ignored. */
  void (*cancel)(void *c, uint64_t id);
  void *c;
} reed_clock_t;

/* ---- Worker: pure CPU work off the loop (argon2id) ------------------------
 * `work` runs elsewhere (a uv thread pool, or inline in tests) and touches
 * nothing but `arg`; `done` runs on the loop afterwards with status 0 or a
 * REED_E* code. Returns 0 or REED_ENOMEM. */
typedef struct reed_worker_s {
  int (*submit)(void *w, void (*work)(void *arg),
                void (*done)(void *arg, int status), void *arg);
  void *w;
} reed_worker_t;

/* ---- Logging --------------------------------------------------------------
 * A line sink plus folding of identical consecutive lines: a repeat within
 * the fold window is counted, and "last message repeated N times" is emitted
 * before the next different line or on reed_log_flush. */
enum { REED_LOG_DEBUG, REED_LOG_INFO, REED_LOG_WARN, REED_LOG_ERROR };
/* Line styles of the process sink: RFC 3339 UTC stamp, or the journal's
 * "<N>" syslog priority with no stamp (journald adds its own). */
enum { REED_LOG_STYLE_STAMPED, REED_LOG_STYLE_JOURNAL };

typedef struct reed_log_s {
  void (*emit)(void *ud, int level, const char *line);
  void *ud;
  int min_level;
  /* Folding state (private). */
  char last[256];
  int last_level;
  unsigned long repeats;
  /* Process sink state (private; reed_log_init_stderr). */
  int style;
  void *file; /* FILE * of [server] log_file, or NULL for stderr */
  char path[256];
} reed_log_t;

/* The process logger: "2026-12-07T15:04:05.123Z LEVEL message" lines on
 * stderr, or "<6>LEVEL message" when stderr is the journal (JOURNAL_STREAM
 * names stderr's device and inode). */
void reed_log_init_stderr(reed_log_t *log, int min_level);
/* Sends later lines to PATH (appended, always stamped) instead of stderr;
 * reed_log_reopen opens the same path again (after logrotate moved it). */
int reed_log_open_file(reed_log_t *log, const char *path);
int reed_log_reopen(reed_log_t *log);
void reed_log_close_file(reed_log_t *log);
void reed_log(reed_log_t *log, int level, const char *fmt, ...)
    REED_PRINTF(3, 4);
void reed_logv(reed_log_t *log, int level, const char *fmt, va_list ap);
void reed_log_flush(reed_log_t *log);
/* An operator-action line, "audit: ...", at INFO whatever the level, never
 * folded: OPER, KILL, bans, CHGHOST, reloads, account changes. */
void reed_audit(reed_log_t *log, const char *fmt, ...) REED_PRINTF(2, 3);
/* One line of the process sink into OUT (pure; exposed for tests). */
int reed_log_format(char *out, size_t size, int64_t unix_ms, int level,
                    const char *line, int style);
/* Parses JOURNAL_STREAM's "DEV:INO"; false when malformed or NULL. */
bool reed_log_parse_journal_stream(const char *value, unsigned long long *dev,
                                   unsigned long long *ino);

/* ---- Small string helpers -------------------------------------------------
 */
/* Copies at most size-1 bytes and terminates; returns strlen(src). */
size_t reed_strlcpy(char *dst, const char *src, size_t size);
/* 1 if `p[0..len)` is valid UTF-8 (no overlongs, no surrogates). */
int reed_utf8_valid(const uint8_t *p, size_t len);
/* The length of the longest prefix of s[0..len) within `max` bytes that
 * does not split a UTF-8 character (it backs off over continuation bytes):
 * len when len <= max, else at most max, and 0 when the first character
 * alone is longer than max. */
size_t reed_utf8_cut(const char *s, size_t len, size_t max);

/* ---- Key files (keyfile.c) ------------------------------------------------
 * A 32-byte server secret in <dir>/<name>: read when the file exists, else
 * made (mode 0600, fsynced) from `fresh`, random bytes the caller drew
 * (base has no randomness of its own). 0, REED_EINVAL (path too long) or
 * REED_EIO (unreadable, short, or not writable). */
#define REED_KEY_FILE_LEN 32
int reed_key_file(const char *dir, const char *name,
                  const uint8_t fresh[REED_KEY_FILE_LEN],
                  uint8_t key[REED_KEY_FILE_LEN]);

/* ---- Base64 (RFC 4648 section 4) ------------------------------------------
 * Padded, no line breaks. encode writes (len + 2) / 3 * 4 characters and a
 * NUL into `out` and returns the count of characters. decode is strict (a
 * length not a multiple of 4, whitespace, a character outside the alphabet,
 * base64url, or padding anywhere but at the end is refused) and returns the
 * decoded length or REED_ESYNTAX; `out` holds len / 4 * 3 bytes. */
size_t reed_base64_encode(const uint8_t *in, size_t len, char *out);
ssize_t reed_base64_decode(const char *in, size_t len, uint8_t *out);

/* ---- Prometheus text format 0.0.4 (prom.c) --------------------------------
 * Metrics are pulled: each part keeps its own counters in its own structs
 * and the host writes them out when asked (server/metrics.c), so there is
 * no registry and no global. A writer appends to a buffer and keeps the
 * first error, so a caller writes a whole exposition and checks once.
 *
 * A family is announced once (# HELP and # TYPE) before its samples; a
 * counter's name ends in _total, a histogram's samples are NAME_bucket
 * (cumulative, le="+Inf" last), NAME_sum and NAME_count. Names are checked
 * ([a-zA-Z_:][a-zA-Z0-9_:]*; label names [a-zA-Z_][a-zA-Z0-9_]*, never
 * "le" nor starting with "__"): a bad one is REED_EINVAL. Label values and
 * help texts are escaped as the format says (\\, \" in values, \n). */
typedef struct reed_prom_s {
  reed_buf_t **out;
  int rc; /* the first error, 0 while none */
} reed_prom_t;

typedef struct reed_prom_label_s {
  const char *name;
  const char *value;
} reed_prom_label_t;

/* A histogram's state, kept by the part that observes: `bounds` are the
 * ascending upper bounds (static; +Inf is implied), at most
 * REED_HIST_BUCKETS of them; counts are per bucket, not cumulative. */
#define REED_HIST_BUCKETS 16
typedef struct reed_hist_s {
  const double *bounds;
  size_t n_bounds;
  uint64_t counts[REED_HIST_BUCKETS + 1]; /* the last: above every bound */
  uint64_t count;
  double sum;
} reed_hist_t;

/* Starts a histogram (n is capped at REED_HIST_BUCKETS). */
void reed_hist_init(reed_hist_t *h, const double *bounds, size_t n);
/* Counts one observation: O(buckets), no allocation. */
void reed_hist_observe(reed_hist_t *h, double v);

/* Appends to *out (a buffer with one reference, which the writer may
 * move, as reed_buf_append does). */
void reed_prom_init(reed_prom_t *w, reed_buf_t **out);
/* # HELP and # TYPE lines; type is "counter", "gauge", "histogram" or
 * "untyped". Returns w->rc. */
int reed_prom_family(reed_prom_t *w, const char *name, const char *type,
                     const char *help);
/* One sample line, `labels` n pairs (NULL when n is 0). NaN and the
 * infinities are written as NaN, +Inf and -Inf; integral values without
 * a fraction or an exponent. Returns w->rc. */
int reed_prom_sample(reed_prom_t *w, const char *name,
                     const reed_prom_label_t *labels, size_t n, double value);
/* The same for an exact 64-bit count. */
int reed_prom_sample_u64(reed_prom_t *w, const char *name,
                         const reed_prom_label_t *labels, size_t n,
                         uint64_t value);
/* A histogram's samples (its family line comes first): NAME_bucket with
 * the labels and le for each bound and +Inf, NAME_sum, NAME_count. */
int reed_prom_hist(reed_prom_t *w, const char *name,
                   const reed_prom_label_t *labels, size_t n,
                   const reed_hist_t *h);
/* A value as the format writes it, into out (size >= 32). */
void reed_prom_format_value(double v, char *out, size_t size);

#endif
