/* t-scp.c: GlobalPlatform SCP02 / SCP03 (lib/scp.c), both sides, against
 * the public transcripts of tests/vectors/scp-transcripts.txt and the
 * vectors inline below (tests/vectors/README.md gives each source). */
#include <stdlib.h>

#include "hex.h"
#include "scp.h"
#include "unit.h"

#define MAXCMD 8

struct tr {
	char name[64];
	int scp, i, level;
	uint8_t enc[32], mac[32], dek[32];
	size_t keylen;
	uint8_t aid[16];
	size_t aidlen;
	uint8_t iu[14], resp[32], ea[21], sk[3][32];
	size_t iulen, resplen, ealen, nsk;
	int ncmd;
	uint8_t plain[MAXCMD][261], wrapped[MAXCMD][261];
	size_t plainlen[MAXCMD], wrappedlen[MAXCMD];
};

static uint8_t *
H(const char *hex, uint8_t *b)
{
	if (hex_decode(hex, strlen(hex), b) < 0) {
		fprintf(stderr, "bad hex in test: %s\n", hex);
		exit(3);
	}
	return b;
}

static size_t
hexin(const char *hex, uint8_t *b, size_t max)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > max || hex_decode(hex, n, b) < 0) {
		fprintf(stderr, "t-scp: bad vector value %s\n", hex);
		exit(3);
	}
	return n / 2;
}

/* Read the next transcript block; 0 at the end of the file. */
static int
tr_read(FILE *fp, struct tr *t)
{
	char line[2048], *k, *v, *w;

	memset(t, 0, sizeof *t);
	while (fgets(line, sizeof line, fp) != NULL) {
		if ((k = strtok(line, " \t\r\n")) == NULL || *k == '#')
			continue;
		v = strtok(NULL, " \t\r\n");
		w = strtok(NULL, " \t\r\n");
		if (strcmp(k, "end") == 0)
			return 1;
		if (v == NULL)
			break;
		if (strcmp(k, "name") == 0)
			snprintf(t->name, sizeof t->name, "%s", v);
		else if (strcmp(k, "scp") == 0)
			t->scp = atoi(v);
		else if (strcmp(k, "i") == 0)
			t->i = (int)strtol(v, NULL, 16);
		else if (strcmp(k, "level") == 0)
			t->level = (int)strtol(v, NULL, 16);
		else if (strcmp(k, "enc") == 0)
			t->keylen = hexin(v, t->enc, 32);
		else if (strcmp(k, "mac") == 0)
			hexin(v, t->mac, 32);
		else if (strcmp(k, "dek") == 0)
			hexin(v, t->dek, 32);
		else if (strcmp(k, "aid") == 0)
			t->aidlen = hexin(v, t->aid, 16);
		else if (strcmp(k, "iu") == 0)
			t->iulen = hexin(v, t->iu, 14);
		else if (strcmp(k, "resp") == 0)
			t->resplen = hexin(v, t->resp, 32);
		else if (strcmp(k, "ea") == 0)
			t->ealen = hexin(v, t->ea, 21);
		else if (strcmp(k, "sk") == 0) {
			hexin(v, t->sk[0], 32);
			hexin(w, t->sk[1], 32);
			t->nsk = 2;
			if ((w = strtok(NULL, " \t\r\n")) != NULL) {
				hexin(w, t->sk[2], 32);
				t->nsk = 3;
			}
		} else if (strcmp(k, "cmd") == 0 && t->ncmd < MAXCMD && w) {
			if (strcmp(v, "-") != 0)
				t->plainlen[t->ncmd] = hexin(v, t->plain[t->ncmd], 261);
			t->wrappedlen[t->ncmd] = hexin(w, t->wrapped[t->ncmd], 261);
			t->ncmd++;
		} else
			break;
	}
	if (t->name[0] != '\0') {
		fprintf(stderr, "t-scp: transcript %s: bad line or no end\n", t->name);
		exit(3);
	}
	return 0;
}

static void
tr_keys(const struct tr *t, uint8_t kvn, struct scp_keys *k)
{
	enum sym_alg alg;

	sym_alg_for(t->scp == 2, t->keylen, &alg);
	scp_keys_set(k, alg, kvn, t->enc, t->mac, t->dek);
}

static void
say(char *buf, size_t n, const struct tr *t, const char *what)
{
	snprintf(buf, n, "%s: %s", t->name, what);
}

/* The card side: the same INITIALIZE UPDATE response with the card
 * challenge fixed (and, for SCP03 i & 10, computed), EXTERNAL
 * AUTHENTICATE accepted, every wrapped command accepted. */
static void
tr_card(struct tr *t)
{
	struct scp_session s;
	struct scp_keys k;
	struct scp_card c;
	struct scp_iu iu;
	uint8_t resp[SCP_IU_RESP_MAX], out[SCP_APDU_MAX];
	size_t rn, on;
	char what[160];
	int j, rc;

	scp_iu_parse(t->resp, t->resplen, &iu);
	tr_keys(t, iu.kvn, &k);
	memset(&c, 0, sizeof c);
	c.keys = &k;
	c.scp = (uint8_t)t->scp;
	c.i = (uint8_t)t->i;
	memcpy(c.kdd, iu.kdd, SCP_KDD_LEN);
	for (j = 0; j < (int)iu.seqlen; j++)
		c.seq = c.seq << 8 | iu.seq[j];
	c.aid = t->aidlen ? t->aid : NULL;
	c.aidlen = t->aidlen;

	if (t->aidlen > 0) {
		rc = scp_card_init_update(&s, &c, t->iu, t->iulen, NULL, resp, &rn);
		say(what, sizeof what, t, "card: pseudo-random card challenge (Amd D 6.2.2.1)");
		CHECK(rc == 0 && rn == t->resplen && memcmp(resp, t->resp, rn) == 0, what);
	}
	rc = scp_card_init_update(&s, &c, t->iu, t->iulen, iu.card_chal, resp, &rn);
	say(what, sizeof what, t, "card: INITIALIZE UPDATE response");
	CHECK(rc == 0 && rn == t->resplen && memcmp(resp, t->resp, rn) == 0, what);
	if (t->nsk > 0) {
		say(what, sizeof what, t, "card: session keys");
		CHECK(memcmp(s.senc, t->sk[0], t->keylen) == 0 &&
		    memcmp(s.smac, t->sk[1], t->keylen) == 0 &&
		    (t->nsk < 3 || memcmp(s.dek, t->sk[2], 16) == 0), what);
	}
	rc = scp_card_ext_auth(&s, t->ea, t->ealen);
	if (t->level & (SCP_LEVEL_RMAC | SCP_LEVEL_RENC)) {
		say(what, sizeof what, t, "card: R-MAC level refused");
		CHECK_INT(rc, SCP_ELEVEL, what);
		CHECK_INT(scp_level(&s), -1, "no session after the refusal");
		scp_keys_clear(&k);
		return;
	}
	say(what, sizeof what, t, "card: EXTERNAL AUTHENTICATE accepted");
	CHECK(rc == 0 && scp_level(&s) == t->level, what);
	for (j = 0; j < t->ncmd; j++) {
		rc = scp_unwrap(&s, t->wrapped[j], t->wrappedlen[j], out, &on);
		snprintf(what, sizeof what, "%s: card: command %d unwrapped%s",
		    t->name, j + 1, t->plainlen[j] ? " to the plain command" : "");
		CHECK(rc == 0 && (t->plainlen[j] == 0 ||
		    (on == t->plainlen[j] && memcmp(out, t->plain[j], on) == 0)),
		    what);
		if (rc == 0 && t->plainlen[j] == 0) {
			/* Unpublished plaintext: the host side re-wraps this. */
			memcpy(t->plain[j], out, on);
			t->plainlen[j] = on;
		}
	}
	scp_end(&s);
	scp_keys_clear(&k);
}

/* The host side: the same INITIALIZE UPDATE, card cryptogram accepted,
 * the same EXTERNAL AUTHENTICATE and wrapped commands. */
static void
tr_host(const struct tr *t)
{
	struct scp_session s;
	struct scp_keys k;
	uint8_t apdu[SCP_APDU_MAX];
	size_t n;
	char what[160];
	int j, rc;

	tr_keys(t, 0, &k);
	rc = scp_host_begin(&s, (uint8_t)t->scp, (uint8_t)t->i, t->iu[2],
	    t->iu + 5, apdu, &n);
	say(what, sizeof what, t, "host: INITIALIZE UPDATE");
	CHECK(rc == 0 && n == t->iulen && memcmp(apdu, t->iu, n) == 0, what);
	rc = scp_host_response(&s, &k, t->resp, t->resplen);
	say(what, sizeof what, t, "host: card cryptogram verified");
	CHECK_INT(rc, 0, what);
	if (t->nsk > 0) {
		say(what, sizeof what, t, "host: session keys");
		CHECK(memcmp(s.senc, t->sk[0], t->keylen) == 0 &&
		    memcmp(s.smac, t->sk[1], t->keylen) == 0 &&
		    (t->nsk < 3 || memcmp(s.dek, t->sk[2], 16) == 0), what);
	}
	rc = scp_host_ext_auth(&s, (uint8_t)t->level, apdu, &n);
	if (t->level & (SCP_LEVEL_RMAC | SCP_LEVEL_RENC)) {
		say(what, sizeof what, t, "host: R-MAC level refused");
		CHECK_INT(rc, SCP_ELEVEL, what);
		scp_end(&s);
		scp_keys_clear(&k);
		return;
	}
	say(what, sizeof what, t, "host: EXTERNAL AUTHENTICATE");
	CHECK(rc == 0 && n == t->ealen && memcmp(apdu, t->ea, n) == 0, what);
	for (j = 0; j < t->ncmd; j++) {
		rc = scp_wrap(&s, t->plain[j], t->plainlen[j], apdu, &n);
		snprintf(what, sizeof what, "%s: host: command %d wrapped",
		    t->name, j + 1);
		CHECK(rc == 0 && n == t->wrappedlen[j] &&
		    memcmp(apdu, t->wrapped[j], n) == 0, what);
	}
	scp_end(&s);
	scp_keys_clear(&k);
}

static void
transcripts(void)
{
	char path[256];
	struct tr *t;
	FILE *fp;
	int n = 0;

	snprintf(path, sizeof path, "%s/scp-transcripts.txt",
	    getenv("EMV_VECTORS") ? getenv("EMV_VECTORS") : "tests/vectors");
	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		exit(3);
	}
	if ((t = malloc(sizeof *t)) == NULL)
		exit(4);
	while (tr_read(fp, t)) {
		tr_card(t);
		tr_host(t);
		n++;
	}
	fclose(fp);
	free(t);
	CHECK_INT(n, 9, "all nine transcripts read");
}

/* V17: GPPro TestPlaintextKeys, KMC 404142..4F, KDD 00010203..09. */
static void
diversify(void)
{
	static const struct {
		enum scp_div m;
		const char *kmc, *kdd, *enc, *mac, *dek, *kcv;
	} v[] = {
		{ SCP_DIV_EMV, "404142434445464748494A4B4C4D4E4F", "00010203040506070809",
		  "0EF59FCBF8019B62E62AF6EA20B8BF25", "3E383EB6F2762B88155F76BDFED05A02",
		  "64021E43C0C7D264A1C7C6D01E1C8761", "C330136F4CA6BB8179" },
		{ SCP_DIV_VISA2, "404142434445464748494A4B4C4D4E4F", "00010203040506070809",
		  "8510FC973208218CA86888BCEC203635", "1068B5FB6F06C78C7A4DFC343B21C78F",
		  "2DAEE809C71405FF259C3BE695A1F66E", "2BE59858DA383C328E" },
		{ SCP_DIV_KDF3, "404142434445464748494A4B4C4D4E4F", "00010203040506070809",
		  "808BC985A1069AD2A9AC94E0FE7B8843", "65942E0BF4F3F32AEFACBA5671456275",
		  "6A74F6F6040CCA10D8A3FDC7914FD7CC", "E79C05D1BD773FDE8C" },
		{ SCP_DIV_KDF3, "404142434445464748494A4B4C4D4E4F5051525354555657",
		  "00010203040506070809", NULL, NULL, NULL, "1DE8EA47C00CC04D76" },
		{ SCP_DIV_KDF3, "404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F",
		  "00010203040506070809", NULL, NULL, NULL, "2972D2036F945D57B8" },
		{ SCP_DIV_KDF3, "8C72C72CF908411653018807950D82FBAD947562F0828A0B10B8B9606ABF3BCD",
		  "D9B1DE5D0362DEDCE4FB",
		  "9AAC5D0B3601F89438A0D9D0B6B256CFB47E6462DFA5228D3420C4AC7C224781",
		  NULL, NULL, NULL },
	};
	static const char *names[] = { "EMV CPS", "VISA2", "KDF3" };
	struct scp_keys k;
	uint8_t kmc[32], kdd[10], want[32], kcv[9], got[9];
	size_t j, kl;
	enum sym_alg alg;
	char what[128];
	int rc;

	for (j = 0; j < sizeof v / sizeof v[0]; j++) {
		kl = strlen(v[j].kmc) / 2;
		H(v[j].kmc, kmc);
		H(v[j].kdd, kdd);
		sym_alg_for(v[j].m != SCP_DIV_KDF3, kl, &alg);
		rc = scp_diversify(v[j].m, alg, kmc, kdd, 0x01, &k);
		snprintf(what, sizeof what, "%s %s diversification runs",
		    names[v[j].m], sym_alg_name(alg));
		CHECK(rc == 0 && k.alg == alg && k.kvn == 1, what);
		if (v[j].enc != NULL) {
			snprintf(what, sizeof what, "%s %s ENC key (V17)",
			    names[v[j].m], sym_alg_name(alg));
			CHECK_MEM(k.enc, H(v[j].enc, want), kl, what);
		}
		if (v[j].mac != NULL) {
			snprintf(what, sizeof what, "%s %s MAC and DEK keys (V17)",
			    names[v[j].m], sym_alg_name(alg));
			CHECK(memcmp(k.mac, H(v[j].mac, want), kl) == 0 &&
			    memcmp(k.dek, H(v[j].dek, want), kl) == 0, what);
		}
		if (v[j].kcv != NULL) {
			H(v[j].kcv, kcv);
			sym_kcv(alg, k.enc, got);
			sym_kcv(alg, k.mac, got + 3);
			sym_kcv(alg, k.dek, got + 6);
			snprintf(what, sizeof what, "%s %s KCVs ENC/MAC/DEK (V17)",
			    names[v[j].m], sym_alg_name(alg));
			CHECK_MEM(got, kcv, 9, what);
		}
	}
	CHECK_INT(scp_diversify(SCP_DIV_EMV, SYM_AES128, kmc, kdd, 1, &k),
	    SCP_EKEY, "EMV CPS method refuses an AES KMC");
	CHECK_INT(scp_diversify(SCP_DIV_KDF3, SYM_3DES2, kmc, kdd, 1, &k),
	    SCP_EKEY, "KDF3 refuses a DES KMC");
	scp_keys_clear(&k);
	memset(want, 0, sizeof want);
	CHECK(memcmp(k.enc, want, 32) == 0 && memcmp(k.dek, want, 32) == 0,
	    "scp_keys_clear wipes the keys");
}

/* A card and a host with the same keys, channel open at level. */
static int
pair(struct scp_session *h, struct scp_session *c, uint8_t scp,
    enum sym_alg alg, uint8_t level)
{
	static const uint8_t kdd[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct scp_keys k;
	struct scp_card cd;
	uint8_t key[32], apdu[SCP_APDU_MAX], resp[SCP_IU_RESP_MAX];
	size_t n, rn, j;
	int rc;

	for (j = 0; j < sizeof key; j++)
		key[j] = (uint8_t)(0x40 + j);
	scp_keys_set(&k, alg, 0x20, key, key, key);
	memset(&cd, 0, sizeof cd);
	cd.keys = &k;
	cd.scp = scp;
	cd.i = scp == 2 ? 0x15 : 0x70;
	memcpy(cd.kdd, kdd, sizeof kdd);
	cd.seq = 0x2A;
	cd.aid = (const uint8_t *)"\xA0\x00\x00\x01\x51\x00\x00\x00";
	cd.aidlen = 8;
	rc = scp_host_begin(h, scp, 0x15, 0, NULL, apdu, &n) ||
	    scp_card_init_update(c, &cd, apdu, n, NULL, resp, &rn) ||
	    scp_host_response(h, &k, resp, rn) ||
	    scp_host_ext_auth(h, level, apdu, &n) ||
	    scp_card_ext_auth(c, apdu, n);
	scp_keys_clear(&k);
	return rc;
}

static void
roundtrips(void)
{
	static const struct {
		uint8_t scp;
		enum sym_alg alg;
	} kinds[] = {
		{ 2, SYM_3DES2 }, { 3, SYM_AES128 }, { 3, SYM_AES192 },
		{ 3, SYM_AES256 },
	};
	static const uint8_t levels[] = { 0x00, 0x01, 0x03 };
	static const size_t lens[] = { 0, 1, 7, 8, 15, 16, 17, 100, 231, 239, 247, 255 };
	struct scp_session h, c;
	uint8_t cmd[SCP_APDU_MAX], w[SCP_APDU_MAX], back[SCP_APDU_MAX];
	size_t a, l, j, n, wn, bn, maxlen;
	char what[160];
	int ok, rc, cs, le;

	for (a = 0; a < sizeof kinds / sizeof kinds[0]; a++)
		for (l = 0; l < sizeof levels; l++) {
			snprintf(what, sizeof what, "SCP0%d %s level %02X: channel opens",
			    kinds[a].scp, sym_alg_name(kinds[a].alg), levels[l]);
			CHECK(pair(&h, &c, kinds[a].scp, kinds[a].alg,
			    levels[l]) == 0 && scp_level(&h) == levels[l] &&
			    scp_level(&c) == levels[l], what);
			/* Longest data that still fits once wrapped. */
			maxlen = levels[l] == 0 ? 255 : levels[l] == 1 ? 247 : 239;
			ok = 1;
			for (j = 0; j < sizeof lens / sizeof lens[0]; j++)
				for (le = 0; le < 2; le++) {
					n = lens[j];
					if (n > maxlen)
						continue;
					cmd[0] = 0x80;
					cmd[1] = 0xE2;
					cmd[2] = (uint8_t)j;
					cmd[3] = (uint8_t)le;
					for (cs = 0; cs < (int)n; cs++)
						cmd[5 + cs] = (uint8_t)(cs * 7 + j);
					cmd[4] = (uint8_t)n;
					n = n ? 5 + n : 4;
					if (le)
						cmd[n++] = 0x00;
					rc = scp_wrap(&h, cmd, n, w, &wn);
					if (rc != 0 || (levels[l] && w[0] != 0x84) ||
					    scp_unwrap(&c, w, wn, back, &bn) != 0 ||
					    bn != n || memcmp(back, cmd, n) != 0) {
						ok = 0;
						printf("# len %zu le %d rc %d\n", lens[j], le, rc);
					}
				}
			snprintf(what, sizeof what, "SCP0%d %s level %02X: wrap/unwrap round trips, cases 1-4",
			    kinds[a].scp, sym_alg_name(kinds[a].alg), levels[l]);
			CHECK(ok, what);
			/* One byte too many is refused and the session goes on. */
			cmd[4] = (uint8_t)(maxlen + 1);
			if (levels[l] != 0) {
				memset(cmd + 5, 0x5A, maxlen + 1);
				rc = scp_wrap(&h, cmd, 5 + maxlen + 1, w, &wn);
				snprintf(what, sizeof what, "SCP0%d %s level %02X: data too long once wrapped refused",
				    kinds[a].scp, sym_alg_name(kinds[a].alg), levels[l]);
				CHECK(rc == SCP_ELEN && scp_level(&h) == levels[l], what);
			}
			scp_end(&h);
			scp_end(&c);
		}
}

static void
tamper(void)
{
	static const uint8_t cmd[] = { 0x80, 0xE2, 0x00, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04 };
	struct scp_session h, c, zero;
	uint8_t w[SCP_APDU_MAX], w2[SCP_APDU_MAX], back[SCP_APDU_MAX];
	size_t wn, w2n, bn;
	int scp;

	memset(&zero, 0, sizeof zero);
	for (scp = 2; scp <= 3; scp++) {
		enum sym_alg alg = scp == 2 ? SYM_3DES2 : SYM_AES128;
		char what[128];

		pair(&h, &c, (uint8_t)scp, alg, 0x01);
		scp_wrap(&h, cmd, sizeof cmd, w, &wn);
		w[wn - 1] ^= 0x01;
		snprintf(what, sizeof what, "SCP0%d: a flipped C-MAC byte is refused", scp);
		CHECK_INT(scp_unwrap(&c, w, wn, back, &bn), SCP_EMAC, what);
		snprintf(what, sizeof what, "SCP0%d: the session is ended and wiped", scp);
		CHECK(scp_level(&c) == -1 && memcmp(&c, &zero, sizeof c) == 0, what);
		w[wn - 1] ^= 0x01;
		snprintf(what, sizeof what, "SCP0%d: then even the right command is refused", scp);
		CHECK_INT(scp_unwrap(&c, w, wn, back, &bn), SCP_ESTATE, what);

		pair(&h, &c, (uint8_t)scp, alg, 0x01);
		scp_wrap(&h, cmd, sizeof cmd, w, &wn);
		snprintf(what, sizeof what, "SCP0%d: a command is accepted once", scp);
		CHECK_INT(scp_unwrap(&c, w, wn, back, &bn), 0, what);
		snprintf(what, sizeof what, "SCP0%d: the same command replayed is refused (chaining)", scp);
		CHECK_INT(scp_unwrap(&c, w, wn, back, &bn), SCP_EMAC, what);

		pair(&h, &c, (uint8_t)scp, alg, 0x03);
		scp_wrap(&h, cmd, sizeof cmd, w, &wn);
		scp_wrap(&h, cmd, sizeof cmd, w2, &w2n);
		snprintf(what, sizeof what, "SCP0%d: a command skipped is noticed", scp);
		CHECK_INT(scp_unwrap(&c, w2, w2n, back, &bn), SCP_EMAC, what);

		pair(&h, &c, (uint8_t)scp, alg, 0x03);
		scp_wrap(&h, cmd, sizeof cmd, w, &wn);
		w[6] ^= 0x80;
		snprintf(what, sizeof what, "SCP0%d: a flipped ciphertext byte is refused", scp);
		CHECK_INT(scp_unwrap(&c, w, wn, back, &bn), SCP_EMAC, what);

		pair(&h, &c, (uint8_t)scp, alg, 0x01);
		snprintf(what, sizeof what, "SCP0%d: a command without secure messaging is refused at level 01", scp);
		CHECK_INT(scp_unwrap(&c, cmd, sizeof cmd, back, &bn), SCP_EMAC, what);
		snprintf(what, sizeof what, "SCP0%d: host refuses to wrap a CLA already with bit 04", scp);
		memcpy(w, cmd, sizeof cmd);
		w[0] = 0x84;
		CHECK_INT(scp_wrap(&h, w, sizeof cmd, w2, &w2n), SCP_ECLA, what);
		snprintf(what, sizeof what, "SCP0%d: malformed APDU (Lc disagrees) refused", scp);
		CHECK_INT(scp_wrap(&h, cmd, sizeof cmd - 1, w2, &w2n), SCP_ELEN, what);
		scp_end(&h);
		scp_end(&c);
	}
}

/* Handshake failures, on both sides, and refused parameters. */
static void
handshake(void)
{
	struct scp_session h, c;
	struct scp_keys k, k3;
	struct scp_card cd;
	uint8_t key[16], apdu[SCP_APDU_MAX], resp[SCP_IU_RESP_MAX], bad[SCP_APDU_MAX];
	size_t n, rn;
	int lv;
	static const uint8_t levels[] = { 0x02, 0x10, 0x11, 0x13, 0x33, 0x07 };
	size_t j;

	H("404142434445464748494A4B4C4D4E4F", key);
	scp_keys_set(&k, SYM_3DES2, 0x01, key, key, key);
	scp_keys_set(&k3, SYM_AES128, 0x01, key, key, key);
	memset(&cd, 0, sizeof cd);
	cd.keys = &k;
	cd.scp = 2;
	cd.i = 0x15;
	cd.seq = 7;

	scp_host_begin(&h, 2, 0x15, 0, NULL, apdu, &n);
	CHECK(n == 14 && memcmp(apdu, "\x80\x50\x00\x00\x08", 5) == 0 &&
	    apdu[13] == 0, "host: random host challenge, INITIALIZE UPDATE shape");
	CHECK_INT(scp_card_ext_auth(&c, apdu, n), SCP_ESTATE,
	    "card: EXTERNAL AUTHENTICATE without INITIALIZE UPDATE refused");
	scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn);
	memcpy(bad, resp, rn);
	bad[27] ^= 0x01;
	CHECK_INT(scp_host_response(&h, &k, bad, rn), SCP_EAUTH,
	    "host: a wrong card cryptogram is refused");
	CHECK_INT(scp_host_ext_auth(&h, 0x01, apdu, &n), SCP_ESTATE,
	    "host: no EXTERNAL AUTHENTICATE after that");
	CHECK_INT(scp_host_response(&h, &k3, resp, rn), SCP_ESTATE,
	    "host: response without a session refused");

	scp_host_begin(&h, 2, 0x15, 0, NULL, apdu, &n);
	CHECK_INT(scp_host_response(&h, &k3, resp, rn), SCP_EKEY,
	    "host: AES keys refused for SCP02");
	CHECK_INT(scp_host_response(&h, &k, resp, 27), SCP_ELEN,
	    "host: short response refused");
	scp_host_begin(&h, 3, 0, 0, NULL, apdu, &n);
	CHECK_INT(scp_host_response(&h, &k3, resp, rn), SCP_EPARAM,
	    "host: an SCP02 answer to an SCP03 session refused");
	scp_host_begin(&h, 2, 0x15, 0x02, NULL, apdu, &n);
	CHECK_INT(scp_host_response(&h, &k, resp, rn), SCP_EKVN,
	    "host: answer with another key version refused");

	scp_host_begin(&h, 2, 0x15, 0, NULL, apdu, &n);
	scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn);
	scp_host_response(&h, &k, resp, rn);
	for (j = 0; j < sizeof levels; j++) {
		char what[80];

		snprintf(what, sizeof what, "host: security level %02X refused", levels[j]);
		CHECK_INT(scp_host_ext_auth(&h, levels[j], apdu, &n), SCP_ELEVEL, what);
	}
	scp_host_ext_auth(&h, 0x01, apdu, &n);
	memcpy(bad, apdu, n);
	bad[5] ^= 0x01;
	CHECK_INT(scp_card_ext_auth(&c, bad, n), SCP_EAUTH,
	    "card: a wrong host cryptogram is refused (6300)");
	CHECK_INT(scp_level(&c), -1, "card: no session after it");

	scp_host_begin(&h, 2, 0x15, 0, NULL, apdu, &n);
	scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn);
	scp_host_response(&h, &k, resp, rn);
	scp_host_ext_auth(&h, 0x01, apdu, &n);
	memcpy(bad, apdu, n);
	bad[20] ^= 0x01;
	CHECK_INT(scp_card_ext_auth(&c, bad, n), SCP_EMAC,
	    "card: EXTERNAL AUTHENTICATE with a wrong C-MAC refused (6982)");

	scp_host_begin(&h, 2, 0x15, 0, NULL, apdu, &n);
	scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn);
	memcpy(bad, "\x84\x82\x13\x00\x10", 5);
	memset(bad + 5, 0, 16);
	CHECK_INT(scp_card_ext_auth(&c, bad, 21), SCP_ELEVEL,
	    "card: EXTERNAL AUTHENTICATE asking for R-MAC refused");

	/* INITIALIZE UPDATE refusals on the card. */
	scp_host_begin(&h, 2, 0x15, 0, NULL, apdu, &n);
	memcpy(bad, apdu, n);
	bad[3] = 0x01;
	CHECK_INT(scp_card_init_update(&c, &cd, bad, n, NULL, resp, &rn),
	    SCP_EP1P2, "card: INITIALIZE UPDATE with P2 01 refused");
	bad[3] = 0x00;
	bad[2] = 0x05;
	CHECK_INT(scp_card_init_update(&c, &cd, bad, n, NULL, resp, &rn),
	    SCP_EKVN, "card: unknown key version refused (6A88)");
	bad[2] = 0x01;
	CHECK_INT(scp_card_init_update(&c, &cd, bad, n, NULL, resp, &rn), 0,
	    "card: its own key version accepted");
	bad[0] = 0x00;
	CHECK_INT(scp_card_init_update(&c, &cd, bad, n, NULL, resp, &rn),
	    SCP_ECLA, "card: CLA 00 refused");
	bad[0] = 0x80;
	bad[4] = 0x07;
	CHECK_INT(scp_card_init_update(&c, &cd, bad, 13, NULL, resp, &rn),
	    SCP_ELEN, "card: a 7-byte host challenge refused");
	cd.seq = 0x10000;
	CHECK_INT(scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn),
	    SCP_ESEQ, "card: SCP02 sequence counter past FFFF refused");
	cd.seq = 0xFFFF;
	CHECK_INT(scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn), 0,
	    "card: sequence counter FFFF still usable");
	cd.i = 0x1A;
	CHECK_INT(scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn),
	    SCP_EPARAM, "card: i = 1A (ICV MAC over AID) not supported");
	cd.i = 0x55;
	CHECK_INT(scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn),
	    SCP_EPARAM, "card: i = 55 without a given card challenge refused");
	CHECK_INT(scp_card_init_update(&c, &cd, apdu, n,
	    (const uint8_t *)"\1\2\3\4\5\6", resp, &rn), 0,
	    "card: i = 55 with a given card challenge accepted");
	cd.i = 0x15;
	cd.keys = &k3;
	CHECK_INT(scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn),
	    SCP_EKEY, "card: AES keys refused for SCP02");
	cd.scp = 3;
	cd.i = 0x70;
	cd.aid = NULL;
	CHECK_INT(scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn),
	    SCP_EPARAM, "card: SCP03 pseudo-random challenge needs the SD AID");
	cd.i = 0x71;
	CHECK_INT(scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn),
	    SCP_EPARAM, "card: SCP03 S16 mode (i b1) not supported");
	cd.i = 0x00;
	CHECK_INT(scp_card_init_update(&c, &cd, apdu, n, NULL, resp, &rn), 0,
	    "card: SCP03 i = 00, random challenge");
	CHECK_INT(rn, 29, "SCP03 i = 00 response has no sequence counter");

	lv = scp_sw(SCP_EAUTH) == 0x6300 && scp_sw(SCP_EMAC) == 0x6982 &&
	    scp_sw(SCP_ESTATE) == 0x6985 && scp_sw(SCP_EKVN) == 0x6A88 &&
	    scp_sw(0) == 0x9000 && scp_sw(-1) == 0x6F00;
	CHECK(lv, "status words of the errors");
	CHECK_STR(scp_strerror(SCP_EMAC), "C-MAC verification failed", "error text");
	scp_end(&h);
	scp_end(&c);
	scp_keys_clear(&k);
	scp_keys_clear(&k3);
}

static void
iu_parse(void)
{
	struct scp_iu iu;
	uint8_t r[32];

	H("000074746E6E6E6262620102069FAA2A0591E73367DD78794D04315E", r);
	CHECK(scp_iu_parse(r, 28, &iu) == 0 && iu.scp == 2 && iu.kvn == 1 &&
	    iu.seqlen == 2 && iu.seq[0] == 0x06 && iu.seq[1] == 0x9F &&
	    iu.challen == 6 && iu.card_chal[0] == 0xAA &&
	    iu.card_crypto[7] == 0x5E, "SCP02 response parsed (V13)");
	H("00000000000000000000300370C40932A6FEFEAEB2E127185170F45FCA000015", r);
	CHECK(scp_iu_parse(r, 32, &iu) == 0 && iu.scp == 3 && iu.kvn == 0x30 &&
	    iu.i == 0x70 && iu.seqlen == 3 && iu.seq[2] == 0x15 &&
	    iu.card_chal[7] == 0xB2 && iu.card_crypto[0] == 0xE1,
	    "SCP03 response parsed (V15)");
	CHECK_INT(scp_iu_parse(r, 29, &iu), SCP_ELEN,
	    "SCP03 i = 70 response without its counter refused");
	r[11] = 0x01;
	CHECK_INT(scp_iu_parse(r, 32, &iu), SCP_EPARAM, "SCP01 refused");
	CHECK_INT(scp_iu_parse(r, 30, &iu), SCP_ELEN, "30 bytes refused");
}

/* Sensitive STORE DATA values.  SCP03: kaoh/globalplatform storeDataTest.c
 * (keys under the static DEK, AES-CBC ICV 0).  SCP02: no public
 * ciphertext found; the session DEK is the transcripts' (V13), the
 * encryption is a round trip and 3DES-ECB block by block. */
static void
sensitive(void)
{
	struct scp_session c;
	struct scp_keys k;
	struct scp_card cd;
	uint8_t dek[32], key[32], in[32], out[32], want[32], resp[32];
	size_t rn;
	static const uint8_t iu[] = "\x80\x50\x00\x00\x08\0\0\0\0\0\0\0\0\x00";

	memset(&cd, 0, sizeof cd);
	cd.keys = &k;
	cd.scp = 3;
	cd.i = 0x00;
	H("000102030405060708090A0B0C0D0E0F", dek);
	H("404142434445464748494A4B4C4D4E4F", key);
	scp_keys_set(&k, SYM_AES128, 1, key, key, dek);
	CHECK_INT(scp_sensitive(&c, in, 16, out, 1), SCP_ESTATE,
	    "no sensitive data before INITIALIZE UPDATE");
	scp_card_init_update(&c, &cd, iu, 14, NULL, resp, &rn);
	CHECK_INT(scp_sensitive(&c, key, 16, out, 1), 0, "SCP03 encrypt runs");
	CHECK_MEM(out, H("D533E59B45A153ED7E5E9C5DFCFD4AAA", want), 16,
	    "SCP03 key 404142..4F under DEK 000102..0F (kaoh storeDataTest)");
	H("505152535455565758595A5B5C5D5E5F", in);
	scp_sensitive(&c, in, 16, out, 1);
	CHECK_MEM(out, H("3EF0B1A5E3059DAB21FCE23A7B61C4CA", want), 16,
	    "SCP03 key 505152..5F under the same DEK (kaoh storeDataTest)");
	scp_sensitive(&c, out, 16, out, 0);
	CHECK_MEM(out, in, 16, "SCP03 decrypt in place gives it back");
	CHECK_INT(scp_sensitive(&c, in, 15, out, 1), SCP_ELEN,
	    "SCP03 partial block refused (padding is the caller's)");
	scp_end(&c);

	H("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", dek);
	scp_keys_set(&k, SYM_AES256, 1, dek, dek, dek);
	scp_card_init_update(&c, &cd, iu, 14, NULL, resp, &rn);
	scp_sensitive(&c, dek, 32, out, 1);
	CHECK_MEM(out, H("5A6E045708FB7196F02E553D02C3A692C77147EBD5121DE8D0FAE7762423B6BF", want),
	    32, "SCP03 AES-256 key under itself, two CBC blocks (kaoh storeDataTest)");
	scp_end(&c);

	/* SCP02: the V13 session (seq 069F): session DEK 60B7A058... */
	H("404142434445464748494A4B4C4D4E4F", key);
	scp_keys_set(&k, SYM_3DES2, 1, key, key, key);
	cd.scp = 2;
	cd.i = 0x15;
	cd.seq = 0x069F;
	scp_card_init_update(&c, &cd, iu, 14, NULL, resp, &rn);
	CHECK_MEM(c.dek, H("60B7A058C8A743A2D5AC7310EE1A36A7", want), 16,
	    "SCP02 session DEK (constant 0181, V13)");
	H("0123456789ABCDEF0123456789ABCDEFFEDCBA9876543210", in);
	CHECK_INT(scp_sensitive(&c, in, 24, out, 1), 0, "SCP02 encrypt runs");
	sym_ecb(SYM_3DES2, want, in + 16, want, 8, 1);
	CHECK(memcmp(out, out + 8, 8) == 0 && memcmp(out + 16, want, 8) == 0,
	    "SCP02 is ECB: equal blocks give equal ciphertext, under S-DEK");
	scp_sensitive(&c, out, 24, out, 0);
	CHECK_MEM(out, in, 24, "SCP02 decrypt gives it back");
	CHECK_INT(scp_sensitive(&c, in, 12, out, 1), SCP_ELEN,
	    "SCP02 partial block refused");
	scp_end(&c);
	scp_keys_clear(&k);
}

int
main(void)
{
	transcripts();
	diversify();
	roundtrips();
	tamper();
	handshake();
	iu_parse();
	sensitive();
	return unit_done();
}
