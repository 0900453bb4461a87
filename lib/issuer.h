/* issuer.h: issuer RSA keys and their certificates (EMV 4.4 Book 2, 5.1
 * and 6.1).  An issuer key of the key store (type issuer-rsa) goes through
 * three steps:
 *
 *   1. issuer_request: the public key request for the payment-system CA,
 *      a record line (key= bin= expiry= serial= modulus= 9F32= [test=1]);
 *      the BIN, expiry and serial asked for are kept beside the key
 *      (NAME.req in the store);
 *   2. the CA returns the request with rid= 8F= 90= [92=] added and
 *      modulus= removed (emv-ca(1) for a test CA);
 *   3. issuer_import checks that certificate against the CA public key
 *      list and keeps it beside the key (NAME.cert).
 *
 * Then issuer_load gives the stages that sign with the key (ICC
 * certificates, signed static data) the private key, its certificate and
 * the CA public key it chains to, the certificate verified again. */
#ifndef EMV_ISSUER_H
#define EMV_ISSUER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/types.h>

#include "date.h"
#include "keystore.h"
#include "oda.h"
#include "record.h"

/* An issuer public key request, or the request part of a certificate. */
struct issuer_req {
	char key[KS_NAMEMAX + 1];	/* the issuer's key name (key=) */
	char bin[9];			/* issuer identifier, 3-8 digits */
	uint8_t expiry[2];		/* MMYY asked for */
	uint8_t serial[3];		/* certificate serial asked for */
	struct oda_pub pub;		/* modulus= and 9F32 */
	int test;			/* test=1: from a test store */
};

/* A certified issuer key, ready to sign. */
struct issuer {
	char name[KS_NAMEMAX + 1];
	EVP_PKEY *key;			/* the private key */
	struct oda_pub pub;		/* its public half */
	int test;			/* a test key: mark records test=1 */
	char bin[9];			/* issuer identifier certified */
	uint8_t expiry[2];		/* certificate expiry, MMYY */
	uint8_t serial[3];
	uint8_t rid[5];			/* the CA's RID */
	uint8_t index;			/* 8F, the CA public key index */
	uint8_t cert[ODA_NMAX];		/* 90 */
	size_t certlen;
	uint8_t rem[ODA_NMAX];		/* 92; remlen 0 when absent */
	size_t remlen;
	struct oda_pub ca;		/* the CA public key */
};

/* Read the request fields of r into q (modulus= only when withkey).
 * Returns 0, or -1 with the field at fault in *field, a short err code
 * for rec_fail in *code (bad-request, bad-bin, bad-expiry, bad-serial,
 * bad-key) and a reason in err. */
int issuer_req_parse(const struct rec *r, int withkey, struct issuer_req *q,
    const char **field, const char **code, char *err, size_t errlen);

/* Make the request of issuer key name for bin (3-8 digits), expiry mmyy
 * (not before today) and serial (6 hex digits, NULL for 000001): sets its
 * fields on r and keeps bin, expiry and serial in NAME.req, replacing an
 * earlier request.  Returns 0, or -1 with err (-2 for a bad operand). */
int issuer_request(struct ks *ks, const char *name, const char *bin,
    const char *mmyy, const char *serial, const struct date *today,
    struct rec *r, char *err, size_t errlen);

/* Import the certificate record r for issuer key name: the CA key of its
 * rid= and 8F= with this store's test mark is taken from the list file
 * capkpath; the certificate must recover and hash under it (Book 2, 5.3),
 * certify this key, for the BIN of the request, and not be expired; the
 * CA key must not be expired either.  It is then kept in NAME.cert, with
 * the CA public key.  A key has one certificate.  Returns 0 or -1 with
 * err. */
int issuer_import(struct ks *ks, const char *name, const struct rec *r,
    const char *capkpath, const struct date *today, char *err,
    size_t errlen);

/* Read the certificate, the first record line of fp, into r (rec_init'ed
 * by the caller) and import it as issuer_import does; a line the CA
 * marked with err is refused.  Returns 0 or -1 with err. */
int issuer_import_file(struct ks *ks, const char *name, FILE *fp,
    const char *capkpath, const struct date *today, struct rec *r,
    char *err, size_t errlen);

/* Load issuer key name with its certificate for signing: the key unwrapped,
 * the certificate verified again under the CA key kept with it, for this
 * key, and not expired on today.  is is freed with issuer_free.
 * Returns 0 or -1 with err. */
int issuer_load(struct ks *ks, const char *name, const struct date *today,
    struct issuer *is, char *err, size_t errlen);

/* Free the private key in is and clear it. */
void issuer_free(struct issuer *is);

#endif
