/* oda.h: offline data authentication, the RSA side of EMV 4.4 Book 2:
 * certificates, signed static and dynamic data, CA key check values.
 * Every RSA operation is OpenSSL's (EVP_PKEY_verify_recover and
 * EVP_PKEY_sign with RSA_NO_PADDING), every hash SHA-1 through EVP_Digest.
 *
 * All the signed objects share one frame (Book 2, Annex A2.1, the
 * ISO/IEC 9796-2 scheme with message recovery): the RSA public operation
 * on a value of exactly the signer's modulus length recovers
 *
 *	6A | format | data ... | hash (20) | BC
 *
 * and the hash is SHA-1 over format .. data (header excluded), followed by
 * extra data that the verifier holds itself:
 *
 *   02 issuer certificate (90, N_CA bytes): extra = 92 remainder || 9F32
 *   04 ICC certificate (9F46, N_I bytes): extra = 9F48 remainder || 9F47
 *      || static data to be authenticated; the ICC PIN encipherment
 *      certificate (9F2D, with 9F2F and 9F2E) is the same with no static
 *      data
 *   03 signed static application data (93, N_I bytes): extra = static
 *      data to be authenticated
 *   05 signed dynamic application data (9F4B, N_IC bytes): extra = DDOL
 *      data (DDA, Book 2 6.5), or the unpredictable number 9F37 (CDA,
 *      Book 2 6.6)
 *
 * Key sizes (Book 2, 5.1 and 6.1): N_CA <= 248 bytes (1984 bits),
 * N_I <= N_CA, N_IC <= N_I.  A certificate holds the leftmost N_CA - 36
 * (issuer) or N_I - 42 (ICC) bytes of the certified modulus, padded with
 * BB when it is shorter; the rest is the remainder, kept in clear on the
 * card (92, 9F48, 9F2F).
 *
 * Return convention: 0 (ODA_OK), a positive ODA_E* code for data that
 * does not verify or cannot be signed (oda_strerror names it), -1 for an
 * internal failure (memory, OpenSSL). */
#ifndef EMV_ODA_H
#define EMV_ODA_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "date.h"

#define ODA_NMAX 248		/* longest modulus, bytes (1984 bits) */
#define ODA_NMIN 64		/* shortest this module takes (512 bits) */
#define ODA_HASHLEN 20		/* SHA-1 */

enum {
	ODA_OK = 0,
	ODA_ELEN = 1,	/* not of the signing key's modulus length */
	ODA_ERECOVER,	/* a number the key cannot recover (not below n) */
	ODA_ETRAILER,	/* recovered data does not end in BC */
	ODA_EHEADER,	/* recovered data does not start with 6A */
	ODA_EFORMAT,	/* wrong format byte */
	ODA_EHASHALG,	/* hash algorithm indicator not 01 (SHA-1) */
	ODA_EPKALG,	/* public key algorithm indicator not 01 (RSA) */
	ODA_EKEYLEN,	/* certified key longer than its certifier, or too short */
	ODA_EEXPLEN,	/* exponent length differs from the certified one */
	ODA_EEXP,	/* exponent not 3 or 65537 */
	ODA_EREM,	/* remainder missing, not needed, or of the wrong length */
	ODA_EPAD,	/* padding bytes are not BB */
	ODA_EHASH,	/* hash does not match */
	ODA_EISSUER,	/* issuer identifier does not match the PAN */
	ODA_EPAN,	/* certified PAN is not the application PAN */
	ODA_EID,	/* issuer identifier or PAN not 3-8 / up to 19 digits */
	ODA_EDATE,	/* expiry is not MMYY */
	ODA_EEXPIRED,	/* certificate (or key) expired */
	ODA_EDYN,	/* dynamic data does not fit, or malformed */
	ODA_ECID,	/* CDA: recovered CID is not the 9F27 returned */
	ODA_ETDHC,	/* CDA: transaction data hash code differs */
	ODA_EKEY	/* modulus not a key (leading zero, even, too long) */
};

/* An RSA public key as EMV carries it: modulus and exponent, big-endian. */
struct oda_pub {
	uint8_t n[ODA_NMAX];
	size_t nlen;
	uint8_t e[3];
	size_t elen;		/* 1 (03) or 3 (01 00 01) */
};

/* What a certificate (format 02 or 04) certifies. */
struct oda_cert {
	uint8_t format;		/* 02 issuer, 04 ICC */
	char id[20];		/* issuer identifier (3-8 digits) or PAN
				 * (up to 19), F padding removed */
	uint8_t expiry[2];	/* MMYY, BCD, as certified */
	uint8_t serial[3];
	struct oda_pub key;	/* the certified key, remainder appended */
	uint8_t hash[ODA_HASHLEN];	/* the hash as recovered */
};

/* Static text for an ODA_E* code (or -1). */
const char *oda_strerror(int err);

/* Set k from a modulus (ODA_NMIN..ODA_NMAX bytes, no leading zero, odd)
 * and an exponent (03 or 01 00 01).  Returns 0, ODA_EKEY or ODA_EEXP. */
int oda_pub_set(struct oda_pub *k, const uint8_t *n, size_t nlen,
    const uint8_t *e, size_t elen);

/* The public half of an RSA EVP_PKEY, under the rules of oda_pub_set. */
int oda_pub_from_pkey(struct oda_pub *k, const EVP_PKEY *pk);

/* 1 if a and b are the same key. */
int oda_pub_eq(const struct oda_pub *a, const struct oda_pub *b);

/* Generate an RSA key pair of bits (ODA_NMIN*8..ODA_NMAX*8, a multiple of
 * 8) with public exponent e (3 or 65537), from OpenSSL's generator.
 * Returns the key or NULL. */
EVP_PKEY *oda_keygen(unsigned bits, unsigned long e);

/* A private key from DER (PKCS#1 or PKCS#8, as the key store keeps it),
 * which must be RSA; NULL if not. */
EVP_PKEY *oda_priv_from_der(const uint8_t *der, size_t n);

/* The DER of a private key into a new buffer (*der, *n), to be wiped and
 * freed with OPENSSL_clear_free.  Returns 0 or -1. */
int oda_priv_to_der(EVP_PKEY *pk, uint8_t **der, size_t *n);

/* The RSA public operation of Book 2 Annex B2.1 (recovery): in is exactly
 * k->nlen bytes; out gets k->nlen bytes.  Returns 0, ODA_ELEN,
 * ODA_ERECOVER or -1. */
int oda_recover(const struct oda_pub *k, const uint8_t *in, size_t n,
    uint8_t *out);

/* The RSA private operation on n bytes (the key's modulus length), the
 * signing side of Book 2 Annex A2.1.  Returns 0, ODA_ELEN or -1. */
int oda_sign_raw(EVP_PKEY *pk, const uint8_t *in, size_t n, uint8_t *out);

/* CA public key check sum (Book 2, 11: CA public key management):
 * SHA-1 over RID (5) || index (1) || modulus || exponent. */
int oda_capk_checksum(const uint8_t rid[5], uint8_t index,
    const struct oda_pub *k, uint8_t out[ODA_HASHLEN]);

/* Encode digits (issuer identifier: 3-8 into 4 bytes; PAN: up to 19 into
 * 10 bytes) right-padded with F, as the certificates carry them.
 * Returns 0 or ODA_EID. */
int oda_id_encode(const char *digits, uint8_t *out, size_t outlen);

/* MMYY text (4 digits, month 01-12) to the two BCD bytes of a
 * certificate.  Returns 0 or ODA_EDATE. */
int oda_expiry_parse(const char *mmyy, uint8_t out[2]);

/* Certificate expiry (MMYY, valid through the last day of that month;
 * YY 50-99 is 19YY, 00-49 20YY) against today: 0 valid, ODA_EEXPIRED,
 * or ODA_EDATE if the bytes are not a month.  Book 2, 5.3 step 9. */
int oda_expiry_check(const uint8_t mmyy[2], const struct date *today);

/* Today's date, UTC, for the expiry checks. */
void oda_today(struct date *d);

/* Number of modulus bytes that a certificate of a signer of nsig bytes
 * holds of a key: nsig - 36 (format 02) or nsig - 42 (format 04). */
size_t oda_cert_room(uint8_t format, size_t nsig);

/* Issuer public key certificate, format 02 (Book 2, 5.3 and 6.3, table
 * 6): sign the certificate of issuer (id: the BIN, 3-8 digits,
 * expiry MMYY, serial) under the CA's private key.  cert gets N_CA
 * bytes, rem the remainder (0 bytes when the key fits; rem has room for
 * ODA_NMAX).  The result is recovered and verified before it is
 * returned.  Returns 0, ODA_EKEYLEN (issuer key longer than the CA
 * key), ODA_EID, ODA_EDATE, ODA_EEXP or -1. */
int oda_issuer_cert_sign(EVP_PKEY *ca, const struct oda_pub *issuer,
    const char *id, const uint8_t expiry[2], const uint8_t serial[3],
    uint8_t *cert, size_t *certlen, uint8_t *rem, size_t *remlen);

/* Verify an issuer public key certificate (90) with its remainder (92,
 * remlen 0 when absent) and exponent (9F32) under the CA public key, in
 * the order of Book 2, 5.3: length, recovery, trailer, header, format,
 * algorithms and lengths, remainder, hash; then, when pan is not NULL,
 * the issuer identifier against the PAN (ODA_EISSUER), and when today is
 * not NULL, the expiry (ODA_EEXPIRED).  out (may be NULL) gets what was
 * certified; on ODA_EHASH, ODA_EISSUER and ODA_EEXPIRED it is filled
 * too, for diagnostics. */
int oda_issuer_cert_verify(const struct oda_pub *ca, const uint8_t *cert,
    size_t certlen, const uint8_t *rem, size_t remlen, const uint8_t *exp,
    size_t explen, const char *pan, const struct date *today,
    struct oda_cert *out);

/* ICC public key certificate, format 04 (Book 2, 6.4, table 14), over
 * the static data to be authenticated sda (sdalen 0: the ICC PIN
 * encipherment certificate 9F2D, Book 2 7.1).  pan: the application PAN,
 * up to 19 digits.  cert gets N_I bytes, rem the 9F48 remainder.
 * Recovered and verified before it is returned. */
int oda_icc_cert_sign(EVP_PKEY *issuer, const struct oda_pub *icc,
    const char *pan, const uint8_t expiry[2], const uint8_t serial[3],
    const uint8_t *sda, size_t sdalen, uint8_t *cert, size_t *certlen,
    uint8_t *rem, size_t *remlen);

/* Verify an ICC public key certificate (9F46 with 9F48 and 9F47, or
 * 9F2D with 9F2F and 9F2E and no static data) under the issuer public
 * key, as Book 2, 6.4: as oda_issuer_cert_verify, with the certified PAN
 * equal to pan (ODA_EPAN) when pan is not NULL. */
int oda_icc_cert_verify(const struct oda_pub *issuer, const uint8_t *cert,
    size_t certlen, const uint8_t *rem, size_t remlen, const uint8_t *exp,
    size_t explen, const uint8_t *sda, size_t sdalen, const char *pan,
    const struct date *today, struct oda_cert *out);

/* Signed static application data, format 03 (Book 2, 5.4, table 7): the
 * data authentication code dac (9F45) and the static data to be
 * authenticated, signed with the issuer's private key into out (N_I
 * bytes).  Recovered and verified before it is returned. */
int oda_ssad_sign(EVP_PKEY *issuer, const uint8_t dac[2],
    const uint8_t *sda, size_t sdalen, uint8_t *out, size_t *outlen);

/* Verify signed static application data (93) under the issuer public
 * key over sda; dac (may be NULL) gets the data authentication code.
 * On ODA_EHASH, dac is filled too. */
int oda_ssad_verify(const struct oda_pub *issuer, const uint8_t *ssad,
    size_t n, const uint8_t *sda, size_t sdalen, uint8_t dac[2]);

/* Signed dynamic application data, format 05 (Book 2, 6.5.1 and 6.6.1,
 * tables 17 and 19): ICC dynamic data dyn (at most N_IC - 25 bytes),
 * hashed with data (the DDOL data for DDA, the unpredictable number for
 * CDA), signed with the ICC private key into out (N_IC bytes).
 * Recovered and verified before it is returned. */
int oda_sdad_sign(EVP_PKEY *icc, const uint8_t *dyn, size_t dynlen,
    const uint8_t *data, size_t datalen, uint8_t *out, size_t *outlen);

/* Verify signed dynamic application data (9F4B) under the ICC public key
 * with data (DDOL data or unpredictable number); dyn (room for ODA_NMAX)
 * gets the ICC dynamic data and *dynlen its length. */
int oda_sdad_verify(const struct oda_pub *icc, const uint8_t *sdad,
    size_t n, const uint8_t *data, size_t datalen, uint8_t *dyn,
    size_t *dynlen);

/* DDA (Book 2, 6.5): the ICC dynamic data is L_DN || ICC dynamic number
 * (9F4C, 2-8 bytes), hashed with the DDOL data the terminal sent in
 * INTERNAL AUTHENTICATE (the default DDOL 9F49 is 9F37 04). */
int oda_dda_sign(EVP_PKEY *icc, const uint8_t *idn, size_t idnlen,
    const uint8_t *ddol, size_t ddollen, uint8_t *out, size_t *outlen);

/* Verify a DDA signature; idn (8 bytes of room) gets the ICC dynamic
 * number and *idnlen its length. */
int oda_dda_verify(const struct oda_pub *icc, const uint8_t *sdad, size_t n,
    const uint8_t *ddol, size_t ddollen, uint8_t idn[8], size_t *idnlen);

/* The transaction data hash code of CDA (Book 2, 6.6.1): SHA-1 over the
 * PDOL data (the GET PROCESSING OPTIONS data without its 83 L), the
 * CDOL1 data, the CDOL2 data (second GENERATE AC only; NULL otherwise)
 * and every data object of the GENERATE AC response (the value of its 77
 * template) except 9F4B, in the order returned, each with its tag and
 * length.  Returns 0, ODA_EDYN (response not BER-TLV) or -1. */
int oda_cda_tdhc(const uint8_t *pdol, size_t pdollen, const uint8_t *cdol1,
    size_t cdol1len, const uint8_t *cdol2, size_t cdol2len,
    const uint8_t *resp, size_t resplen, uint8_t tdhc[ODA_HASHLEN]);

/* What a CDA signature carries. */
struct oda_cda {
	uint8_t idn[8];		/* ICC dynamic number, 9F4C */
	size_t idnlen;
	uint8_t cid;		/* cryptogram information data, 9F27 */
	uint8_t ac[8];		/* application cryptogram, 9F26 */
	uint8_t tdhc[ODA_HASHLEN];
};

/* CDA (Book 2, 6.6.1): sign the ICC dynamic data L_DN || IDN || CID ||
 * AC || TDHC, hashed with the unpredictable number un (9F37), with the
 * ICC private key.  The card sends the result as 9F4B in place of 9F26. */
int oda_cda_sign(EVP_PKEY *icc, const struct oda_cda *c, const uint8_t *un,
    size_t unlen, uint8_t *out, size_t *outlen);

/* Verify a CDA signature (Book 2, 6.6.2) with the unpredictable number
 * un: the recovered CID must equal cid, the 9F27 of the response
 * (ODA_ECID), and the recovered TDHC the one the terminal computed with
 * oda_cda_tdhc (ODA_ETDHC; tdhc NULL skips it).  out gets the AC. */
int oda_cda_verify(const struct oda_pub *icc, const uint8_t *sdad, size_t n,
    const uint8_t *un, size_t unlen, uint8_t cid,
    const uint8_t tdhc[ODA_HASHLEN], struct oda_cda *out);

#endif
