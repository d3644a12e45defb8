/* The service manager's readiness protocol (systemd's sd_notify), spoken
 * directly: one datagram per state change to the unix socket named by
 * $NOTIFY_SOCKET (a path, or '@' for an abstract name). No libsystemd. */
#ifndef REED_SDNOTIFY_H
#define REED_SDNOTIFY_H

/* Sends `state` ("READY=1", "STOPPING=1", newline-separated assignments).
 * Returns 0, also when $NOTIFY_SOCKET is unset (not run by a manager);
 * REED_EINVAL for an address it cannot use; REED_EIO when sending fails. */
int reed_sd_notify(const char *state);

/* "RELOADING=1" with MONOTONIC_USEC, the clock the manager compares with
 * its own to tell this reload from an older one. */
int reed_sd_notify_reloading(void);

#endif
