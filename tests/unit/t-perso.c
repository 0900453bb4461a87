/* t-perso: lib/perso's card dialog replayed through lib/pcsc's replay
 * backend (a dialog recorded from perso_sim, the card answers of a dry
 * run), failing on the first unexpected command; the status word codes;
 * the clear length of RSA key parts from iccbits. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "keystore.h"
#include "pcsc.h"
#include "perso.h"
#include "record.h"
#include "unit.h"

/* The GP default test key 4041..4F (GP 2.3 test cards, the project's
 * test kmc) and the test store's kek1 (tests/data/test-keys.txt). */
static uint8_t kmcv[16], kekv[16];
static struct ks_key kmc, kek;

static void
keys(void)
{
	hex_decode("404142434445464748494A4B4C4D4E4F", 32, kmcv);
	hex_decode("89E88CF7931444F334BD7547FC3F380C", 32, kekv);
	strcpy(kmc.name, "kmc");
	kmc.type = KS_KMC;
	kmc.sym = SYM_3DES2;
	strcpy(kmc.alg, "3des2");
	kmc.val = kmcv;
	kmc.len = 16;
	kmc.test = 1;
	strcpy(kek.name, "kek1");
	kek.type = KS_KEK;
	kek.sym = SYM_3DES2;
	strcpy(kek.alg, "3des2");
	kek.val = kekv;
	kek.len = 16;
	kek.test = 1;
}

/* A CPS record: a record DGI, the FCI, and an RSA key part of clen
 * bytes sealed under kek; iccbits as given (0: none). */
static int
job(struct perso_job *j, struct rec *r, size_t clen, unsigned iccbits)
{
	uint8_t part[248], *sealed;
	size_t slen;
	const char *field, *code;
	char err[128], buf[16];

	rec_init(r);
	rec_set(r, "id", "T1");
	rec_set(r, "aid", "A0000000031010");
	rec_set(r, "cps", "0101,9102,8201:eP");
	rec_set(r, "DGI0101", "70035F3401");
	rec_set(r, "DGI9102", "A5035F2D02");
	memset(part, 0x5A, clen);
	part[clen - 1] = 0x01;
	if (ks_kek_seal(&kek, part, clen, &sealed, &slen) < 0)
		return -1;
	rec_set_bin(r, "DGI8201", sealed, slen);
	free(sealed);
	if (iccbits) {
		snprintf(buf, sizeof buf, "%u", iccbits);
		rec_set(r, "iccbits", buf);
	}
	if (perso_job_load(j, r, &field, &code, err, sizeof err) < 0) {
		printf("# %s\n", err);
		return -1;
	}
	j->kek = &kek;
	return 0;
}

static void
opts(struct perso_opts *o)
{
	static const uint8_t chal[8];

	memset(o, 0, sizeof *o);
	o->kmc = &kmc;
	o->div = SCP_DIV_EMV;
	o->i02 = 0x15;
	o->level = SCP_LEVEL_MAC;
	o->host_chal = chal;
}

/* The dry run's script of job j (the replay format, with the answers
 * of the simulated card) as a replay file; sw, if not NULL, replaces the
 * answer to the last STORE DATA. */
static char *
record_dialog(const struct perso_opts *o, const struct perso_job *j,
    const char *sw)
{
	static const uint8_t sn[4] = { 0, 0, 0, 0x42 };
	static char path[32];
	struct perso_sim *sim;
	struct perso_res res;
	char err[128], *line = NULL;
	size_t cap = 0;
	FILE *s = tmpfile(), *out;
	int fd, last = 0;

	if (s == NULL || (sim = perso_sim_new(o, sn, j, s, err,
	    sizeof err)) == NULL)
		return NULL;
	perso_card(perso_sim_xmit, sim, o, j, NULL, NULL, &res);
	perso_sim_free(sim);
	strcpy(path, "/tmp/t-perso.XXXXXX");
	if (res.code != NULL || (fd = mkstemp(path)) < 0 ||
	    (out = fdopen(fd, "w")) == NULL)
		return NULL;
	rewind(s);
	while (getline(&line, &cap, s) > 0) {
		if (line[0] == '<' && last && sw != NULL)
			fprintf(out, "< %s\n", sw);
		else if (line[0] == '<' || line[0] == '>')
			fputs(line, out);
		/* 84E2, P1 b8: the last block. */
		last = strncmp(line, "> 84E2", 6) == 0 && strchr("89ABCDEF",
		    line[6]) != NULL;
	}
	free(line);
	fclose(s);
	fclose(out);
	return path;
}

static int
xmit(void *ctx, const uint8_t *cmd, size_t n, unsigned flags, uint8_t *rsp,
    size_t *rlen, char *err, size_t errlen)
{
	return pcsc_transmit(ctx, cmd, n, flags, rsp, rlen, err, errlen);
}

static void
replay(const struct perso_opts *o, const struct perso_job *j,
    const char *path, struct perso_res *res, int *rest)
{
	struct pcsc *p;
	char err[128];

	p = pcsc_replay_open(path, err, sizeof err);
	if (p == NULL) {
		memset(res, 0, sizeof *res);
		printf("# %s\n", err);
		res->code = "no-replay";
		return;
	}
	perso_card(xmit, p, o, j, NULL, NULL, res);
	*rest = pcsc_close(p, err, sizeof err);
}

/* The STORE DATA header of DGI 8201 in a script: its CPS length. */
static int
len8201(const struct perso_opts *o, const struct perso_job *j)
{
	static const uint8_t sn[4] = { 0, 0, 0, 1 };
	struct perso_sim *sim;
	struct perso_res res;
	char err[128], *line = NULL, *q;
	size_t cap = 0;
	unsigned v = 0;
	FILE *s = tmpfile();

	if (s == NULL || (sim = perso_sim_new(o, sn, j, s, err,
	    sizeof err)) == NULL)
		return -1;
	perso_card(perso_sim_xmit, sim, o, j, NULL, NULL, &res);
	perso_sim_free(sim);
	rewind(s);
	while (getline(&line, &cap, s) > 0)
		if (line[0] == '>' && strncmp(line + 2, "84E2", 4) == 0 &&
		    (q = strstr(line + 12, "8201")) != NULL &&
		    (q - line - 12) % 2 == 0)
			sscanf(q + 4, "%2x", &v);
	free(line);
	fclose(s);
	return res.code != NULL ? -1 : (int)v;
}

int
main(void)
{
	struct perso_opts o;
	struct perso_job j, j2;
	struct perso_res res;
	struct rec r, r2;
	char *path;
	int rest = -99;

	keys();
	opts(&o);

	/* ISO/IEC 7816-4 5.6, GP 2.3 11.1.3. */
	CHECK_STR(perso_sw_code(0x6A80), "wrong-data", "sw: 6A80");
	CHECK_STR(perso_sw_code(0x6A88), "unknown-dgi", "sw: 6A88");
	CHECK_STR(perso_sw_code(0x6982), "security", "sw: 6982");
	CHECK_STR(perso_sw_code(0x6985), "conditions", "sw: 6985");
	CHECK_STR(perso_sw_code(0x6A84), "no-space", "sw: 6A84");
	CHECK_STR(perso_sw_code(0x63C2), "auth-failed", "sw: 63C2");
	CHECK_STR(perso_sw_code(0x6F00), "card-refused", "sw: 6F00 other");

	CHECK_INT(job(&j, &r, 64, 1024), 0, "job: 1024-bit key part");
	path = record_dialog(&o, &j, NULL);
	CHECK(path != NULL, "replay: dialog recorded");
	if (path != NULL) {
		replay(&o, &j, path, &res, &rest);
		CHECK_STR(res.code, NULL, "replay: personalized");
		CHECK_STR(res.step, "check", "replay: reached the check");
		CHECK_INT(rest, 0, "replay: every exchange used");
		CHECK(res.has_serial && res.serial[3] == 0x42, "replay: serial");
		CHECK_INT(res.scp, 2, "replay: SCP02");
		/* Another job: the first unexpected command stops the card. */
		CHECK_INT(job(&j2, &r2, 72, 1152), 0, "job: 1152-bit");
		replay(&o, &j2, path, &res, &rest);
		CHECK_STR(res.code, "card-io", "replay: unexpected command");
		CHECK_STR(res.step, "store-data", "replay: at store-data");
		perso_job_free(&j2);
		rec_free(&r2);
		unlink(path);
	}
	/* The card refuses the last STORE DATA with 6A80, then 6A84. */
	if ((path = record_dialog(&o, &j, "6A80")) != NULL) {
		replay(&o, &j, path, &res, &rest);
		CHECK_STR(res.code, "wrong-data", "replay: 6A80 wrong-data");
		CHECK_STR(res.step, "store-data", "replay: 6A80 at store-data");
		CHECK(strstr(res.reason, "STORE DATA") != NULL &&
		    strstr(res.reason, " last ") != NULL &&
		    strstr(res.reason, "6A80") != NULL, "replay: 6A80 reason");
		CHECK(res.stored, "replay: the card was changed");
		unlink(path);
	}
	if ((path = record_dialog(&o, &j, "6A84")) != NULL) {
		replay(&o, &j, path, &res, &rest);
		CHECK_STR(res.code, "no-space", "replay: 6A84 no-space");
		unlink(path);
	}
	perso_job_free(&j);
	rec_free(&r);

	/* iccbits gives the clear length: 1984 bits, 124-byte parts sealed
	 * as 128 (80 000000 added by the KEK), padded once for the card to
	 * 128 with pad=always; without iccbits the sealed padding would be
	 * taken for data and padded again (136). */
	CHECK_INT(job(&j, &r, 124, 1984), 0, "job: 1984-bit key part");
	CHECK_INT(len8201(&o, &j), 128, "iccbits 1984: 8201 of 128 bytes");
	perso_job_free(&j);
	rec_free(&r);
	CHECK_INT(job(&j, &r, 124, 0), 0, "job: no iccbits");
	CHECK_INT(len8201(&o, &j), 136, "no iccbits: padded twice (136)");
	perso_job_free(&j);
	rec_free(&r);
	CHECK_INT(job(&j, &r, 64, 1024), 0, "job: 1024");
	CHECK_INT(len8201(&o, &j), 72, "iccbits 1024: 64 padded to 72");
	perso_job_free(&j);
	rec_free(&r);
	return unit_done();
}
