/* A test CA for the flow's tests: issues a certificate for a CSR. */
#ifndef REED_TEST_FAKE_CA_H
#define REED_TEST_FAKE_CA_H

#include <stddef.h>
#include <stdint.h>

/* The PEM chain (leaf, then the CA) for the base64url DER CSR `csr`,
 * valid from nb to na (Unix seconds), its subjectAltName copied from the
 * CSR; free() it. */
char *fca_issue(const char *csr, int64_t nb, int64_t na);

#endif
