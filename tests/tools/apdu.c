/* apdu: the test client of the virtual card tests (tests/emv-card.bats,
 * tests/pcsc.bash, bench/card): talks to a card through lib/pcsc (PC/SC
 * or a replay) and opens GlobalPlatform secure channels with lib/scp, the
 * host side of what emv-card's card manager answers.
 *
 *	apdu -w s|r|c|e [-r reader] [-t ms]	wait for pcscd, a reader, a
 *						card, an empty reader
 *	apdu [-K dir] [-P replay] [-r reader] [-t ms] [script]
 *
 * A script has one command a line ("#" comments):
 *	send HEX [SW]	send a command (through the secure channel once one
 *			is open); with SW, fail unless the card answers it
 *	open SCP I LEVEL KEYS [METHOD [HOSTCHAL]]
 *			INITIALIZE UPDATE and EXTERNAL AUTHENTICATE; KEYS a
 *			kmc key name (diversified by METHOD emv, visa2,
 *			kdf3, or used as is: none) or ENC,MAC,DEK names
 *	kek NAME	the transport key of "store -e" values
 *	store [-e] [-l] [-a] DGI HEX [SW]
 *			one STORE DATA with one DGI, P2 counting from 00:
 *			-e HEX is under the kek (emvperso-record(5)) and is
 *			sent under the session DEK (P1 60), -l last block,
 *			-a application-dependent encryption (P1 20)
 *	split N		later STORE DATA data fields at most N bytes (a DGI
 *			spread over several commands)
 *	install AID	INSTALL [for personalization]
 *	reset | close	warm reset | end the secure channel
 *	next		feeder: wait for the next card
 *	repeat N HEX	send HEX N times (no output), print the rate
 * Every exchange is printed "> HEX" / "< HEX" on stdout.  Exit 0, 1 when
 * a status word differs from the one expected, 3 on an error. */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "hex.h"
#include "keystore.h"
#include "pcsc.h"
#include "scp.h"
#include "sym.h"

static const char *Kflag, *Pflag, *rflag;
static long tflag = 10000;
static struct pcsc *card;
static struct scp_session sc;
static int open_sc;
static unsigned block, split = 255;
static struct ks *ks;
static struct ks_key kek;
static char errbuf[256];
static unsigned long lineno;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "apdu: line %lu: ", lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);
}

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s);
	long r;

	if (n % 2 || n / 2 > cap || (r = hex_decode(s, n, out)) < 0)
		die("%s: not hex", s);
	return (size_t)r;
}

/* Send one APDU (wrapped when a channel is open); check sw if given. */
static unsigned
xmit(const uint8_t *cmd, size_t n, const char *want, uint8_t *rsp,
    size_t *rlen, int quiet)
{
	uint8_t w[SCP_APDU_MAX];
	size_t wn = n;
	unsigned sw;
	int rc;

	if (open_sc) {
		if ((rc = scp_wrap(&sc, cmd, n, w, &wn)) != 0)
			die("wrap: %s", scp_strerror(rc));
	} else
		memcpy(w, cmd, n);
	if (!quiet)
		pcsc_trace(card, stdout);
	rc = pcsc_transmit(card, w, wn, 0, rsp, rlen, errbuf, sizeof errbuf);
	pcsc_trace(card, NULL);
	if (rc < 0)
		die("%s", errbuf);
	sw = pcsc_sw(rsp, *rlen);
	if (want != NULL && strtoul(want, NULL, 16) != sw) {
		fflush(stdout);
		fprintf(stderr, "apdu: line %lu: status %04X, expected %s\n",
		    lineno, sw, want);
		exit(1);
	}
	return sw;
}

static void
getkey(const char *name, unsigned use, struct ks_key *k)
{
	struct ks_lmk lmk;

	if (ks == NULL) {
		ks_lmk_default(&lmk);
		if ((ks = ks_open(Kflag, &lmk, errbuf, sizeof errbuf)) == NULL)
			die("%s", errbuf);
	}
	if (ks_get(ks, name, use, k, errbuf, sizeof errbuf) < 0)
		die("%s", errbuf);
}

static void
do_open(char **av, int ac)
{
	struct scp_keys keys;
	struct scp_iu iu;
	struct ks_key k[3];
	uint8_t cmd[SCP_APDU_MAX], rsp[PCSC_RSP_MAX], hc[8];
	size_t n, rn;
	unsigned scp, i, level;
	char *n2, *n3;
	const char *m = ac > 4 ? av[4] : "emv";
	enum scp_div div;
	int rc;

	if (ac < 4)
		die("open SCP I LEVEL KEYS [METHOD [HOSTCHAL]]");
	scp = (unsigned)strtoul(av[0], NULL, 16);
	i = (unsigned)strtoul(av[1], NULL, 16);
	level = (unsigned)strtoul(av[2], NULL, 16);
	if (ac > 5)
		unhex(av[5], hc, 8);
	scp_end(&sc);
	open_sc = 0;
	if (scp_host_begin(&sc, (uint8_t)scp, (uint8_t)i, 0, ac > 5 ? hc :
	    NULL, cmd, &n) != 0)
		die("open: bad SCP or i");
	if (xmit(cmd, n, NULL, rsp, &rn, 0) != 0x9000)
		die("INITIALIZE UPDATE refused");
	if ((rc = scp_iu_parse(rsp, rn - 2, &iu)) != 0)
		die("INITIALIZE UPDATE: %s", scp_strerror(rc));
	memset(k, 0, sizeof k);
	if ((n2 = strchr(av[3], ',')) != NULL) {
		*n2++ = '\0';
		if ((n3 = strchr(n2, ',')) == NULL)
			die("KEYS: one name or ENC,MAC,DEK");
		*n3++ = '\0';
		getkey(av[3], KS_USE_CARD, &k[0]);
		getkey(n2, KS_USE_CARD, &k[1]);
		getkey(n3, KS_USE_CARD, &k[2]);
		rc = scp_keys_set(&keys, k[0].sym, iu.kvn, k[0].val, k[1].val,
		    k[2].val);
	} else {
		getkey(av[3], KS_USE_CARD, &k[0]);
		if (strcmp(m, "none") == 0)
			rc = scp_keys_set(&keys, k[0].sym, iu.kvn, k[0].val,
			    k[0].val, k[0].val);
		else {
			div = strcmp(m, "visa2") == 0 ? SCP_DIV_VISA2 :
			    strcmp(m, "kdf3") == 0 ? SCP_DIV_KDF3 : SCP_DIV_EMV;
			rc = scp_diversify(div, k[0].sym, k[0].val, iu.kdd,
			    iu.kvn, &keys);
		}
	}
	for (i = 0; i < 3; i++)
		ks_key_clear(&k[i]);
	if (rc != 0 || (rc = scp_host_response(&sc, &keys, rsp, rn - 2)) != 0)
		die("card cryptogram: %s", scp_strerror(rc));
	scp_keys_clear(&keys);
	if ((rc = scp_host_ext_auth(&sc, (uint8_t)level, cmd, &n)) != 0)
		die("EXTERNAL AUTHENTICATE: %s", scp_strerror(rc));
	if (xmit(cmd, n, "9000", rsp, &rn, 0) != 0x9000)
		exit(1);
	open_sc = 1;
	block = 0;
}

/* store [-e] [-l] [-a] DGI HEX [SW] */
static void
do_store(char **av, int ac)
{
	uint8_t val[4096], *clear = NULL, data[4096 + 5], cmd[SCP_APDU_MAX];
	uint8_t rsp[PCSC_RSP_MAX];
	size_t vn, cn = 0, dn, off, take, rn, blk, clen;
	unsigned dgi, p1 = 0;
	int e = 0, j = 0;

	for (; j < ac && av[j][0] == '-'; j++) {
		if (strcmp(av[j], "-e") == 0)
			e = 1;
		else if (strcmp(av[j], "-l") == 0)
			p1 |= 0x80;
		else if (strcmp(av[j], "-a") == 0)
			p1 |= 0x20;
		else
			die("store: %s: unknown flag", av[j]);
	}
	if (ac - j < 2)
		die("store [-e] [-l] [-a] DGI HEX [SW]");
	dgi = (unsigned)strtoul(av[j], NULL, 16);
	vn = strcmp(av[j + 1], "-") == 0 ? 0 : unhex(av[j + 1], val, sizeof val);
	if (e) {
		/* Translate from the transport key to the channel's key, as
		 * a personalization device does in its HSM. */
		if (kek.val == NULL)
			die("store -e: no kek");
		if (ks_kek_open(&kek, val, vn, &clear) != 0)
			die("store -e: not a whole number of blocks");
		blk = sc.scp == 3 ? 16 : 8;
		cn = clen = vn;
		if (cn % blk != 0) {
			uint8_t *c2 = OPENSSL_zalloc(cn + blk);

			if (c2 == NULL)
				die("out of memory");
			memcpy(c2, clear, cn);
			c2[cn] = 0x80;
			OPENSSL_clear_free(clear, cn);
			clear = c2;
			clen = cn + blk;
			cn += blk - cn % blk;
		}
		if (scp_sensitive(&sc, clear, cn, val, 1) != 0)
			die("store -e: no session DEK");
		OPENSSL_clear_free(clear, clen);
		vn = cn;
		if (!(p1 & 0x20))
			p1 |= 0x60;
	}
	data[0] = (uint8_t)(dgi >> 8);
	data[1] = (uint8_t)dgi;
	if (vn < 255) {
		data[2] = (uint8_t)vn;
		dn = 3;
	} else {
		data[2] = 0xFF;
		data[3] = (uint8_t)(vn >> 8);
		data[4] = (uint8_t)vn;
		dn = 5;
	}
	memcpy(data + dn, val, vn);
	dn += vn;
	OPENSSL_cleanse(val, sizeof val);
	for (off = 0; off < dn; off += take) {
		take = dn - off < split ? dn - off : split;
		cmd[0] = 0x80;
		cmd[1] = 0xE2;
		cmd[2] = (uint8_t)(off + take < dn ? p1 & 0x7F : p1);
		cmd[3] = (uint8_t)block++;
		cmd[4] = (uint8_t)take;
		memcpy(cmd + 5, data + off, take);
		xmit(cmd, 5 + take, off + take == dn && ac - j > 2 ?
		    av[j + 2] : (off + take < dn ? "9000" : NULL), rsp, &rn, 0);
	}
	OPENSSL_cleanse(data, sizeof data);
}

static void
do_repeat(char **av, int ac)
{
	uint8_t cmd[PCSC_CMD_MAX], rsp[PCSC_RSP_MAX];
	struct timespec t0, t1;
	size_t n, rn;
	long i, count;
	double s;

	if (ac < 2 || (count = strtol(av[0], NULL, 10)) <= 0)
		die("repeat N HEX");
	n = unhex(av[1], cmd, sizeof cmd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++)
		xmit(cmd, n, ac > 2 ? av[2] : NULL, rsp, &rn, 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# %ld APDUs in %.3f s: %.0f APDUs/s\n", count, s, count / s);
}

static void
script(FILE *fp)
{
	uint8_t cmd[PCSC_CMD_MAX], rsp[PCSC_RSP_MAX];
	char *line = NULL, *av[16], *p;
	size_t cap = 0, n, rn;
	int ac;

	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		for (ac = 0, p = strtok(line, " \t\r\n"); p != NULL && ac < 16;
		    p = strtok(NULL, " \t\r\n"))
			av[ac++] = p;
		if (ac == 0 || av[0][0] == '#')
			continue;
		if (strcmp(av[0], "send") == 0 && ac >= 2) {
			n = unhex(av[1], cmd, sizeof cmd);
			xmit(cmd, n, ac > 2 ? av[2] : NULL, rsp, &rn, 0);
		} else if (strcmp(av[0], "open") == 0)
			do_open(av + 1, ac - 1);
		else if (strcmp(av[0], "store") == 0)
			do_store(av + 1, ac - 1);
		else if (strcmp(av[0], "kek") == 0 && ac == 2) {
			ks_key_clear(&kek);
			getkey(av[1], KS_USE_WRAP, &kek);
		} else if (strcmp(av[0], "split") == 0 && ac == 2)
			split = (unsigned)strtoul(av[1], NULL, 10);
		else if (strcmp(av[0], "install") == 0 && ac == 2) {
			n = unhex(av[1], cmd + 8, 16);
			memcpy(cmd, (const uint8_t[]){ 0x80, 0xE6, 0x20, 0x00,
			    0, 0x00, 0x00, 0 }, 8);
			cmd[4] = (uint8_t)(n + 6);
			cmd[7] = (uint8_t)n;
			memset(cmd + 8 + n, 0, 3);
			xmit(cmd, 11 + n, "9000", rsp, &rn, 0);
			block = 0;
		} else if (strcmp(av[0], "reset") == 0) {
			if (pcsc_reset(card, errbuf, sizeof errbuf) < 0)
				die("%s", errbuf);
			open_sc = 0;
			scp_end(&sc);
		} else if (strcmp(av[0], "close") == 0) {
			open_sc = 0;
			scp_end(&sc);
		} else if (strcmp(av[0], "next") == 0) {
			if (pcsc_next_card(card, tflag, errbuf, sizeof errbuf) <
			    0)
				die("%s", errbuf);
			open_sc = 0;
			scp_end(&sc);
		} else if (strcmp(av[0], "repeat") == 0)
			do_repeat(av + 1, ac - 1);
		else
			die("%s: unknown command", av[0]);
		fflush(stdout);
	}
	free(line);
}

int
main(int argc, char *argv[])
{
	FILE *fp = stdin;
	const char *errstr;
	int ch, wflag = 0, rc;

	Kflag = getenv("EMVPERSO_KEYSTORE");
	while ((ch = getopt(argc, argv, "K:P:r:t:w:")) != -1)
		switch (ch) {
		case 'K': Kflag = optarg; break;
		case 'P': Pflag = optarg; break;
		case 'r': rflag = optarg; break;
		case 't':
			tflag = (long)strtonum(optarg, 0, 3600000, &errstr);
			if (errstr != NULL)
				errx(2, "-t %s: %s", optarg, errstr);
			break;
		case 'w': wflag = optarg[0]; break;
		default:
			fprintf(stderr, "usage: apdu -w s|r|c|e [-r reader] "
			    "[-t ms]\n       apdu [-K dir] [-P replay] "
			    "[-r reader] [-t ms] [script]\n");
			return 2;
		}
	if (wflag) {
		if (pcsc_wait(rflag, wflag, tflag, errbuf, sizeof errbuf) < 0)
			errx(1, "%s", errbuf);
		return 0;
	}
	if (optind < argc && (fp = fopen(argv[optind], "r")) == NULL)
		err(3, "%s", argv[optind]);
	if (Pflag != NULL)
		card = pcsc_replay_open(Pflag, errbuf, sizeof errbuf);
	else
		card = pcsc_open(rflag, tflag, &rc, errbuf, sizeof errbuf);
	if (card == NULL)
		errx(3, "%s", errbuf);
	script(fp);
	scp_end(&sc);
	ks_key_clear(&kek);
	ks_close(ks);
	if (pcsc_close(card, errbuf, sizeof errbuf) < 0)
		errx(1, "%s", errbuf);
	return 0;
}
