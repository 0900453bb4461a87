/* emv-card: a virtual EMV chip card on the vsmartcard vpcd reader driver
 * of PC/SC-lite: a GlobalPlatform card manager personalized by EMV CPS
 * STORE DATA and an EMV payment application, its state in a card image
 * file (emv-card(1), emvperso-card(5)).  One reader slot per image, or a
 * feeder of blank cards on one slot. */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "card.h"
#include "cardimg.h"
#include "hex.h"
#include "keystore.h"
#include "scp.h"
#include "vpcd.h"

#define SLOTMAX 16
#define ERRLEN 256

struct slot {
	struct card *c;
	struct cardimg im;
	char path[4096];
	int fd;
	unsigned port;
};

static int Nflag, vflag, zflag;
static const char *Dflag, *Fflag, *Hflag = "127.0.0.1", *Kflag, *aflag =
    "A0000000031010", *cflag, *iflag, *kflag, *mflag, *Rflag, *sflag;
static long long eflag = 1000, nflag = 1, pflag = 0x8C7B, Xflag;
static long long xcount;	/* -X: STORE DATA commands seen */

static struct ks *ks;
static struct ks_key master;
static uint8_t rnd[64];
static size_t rndlen;
static struct slot slots[SLOTMAX];
static size_t nslots;
static volatile sig_atomic_t stop;
static char errbuf[ERRLEN];

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s [-0v] [-c chipkey] [-H host] [-K dir] [-p port] "
	    "[-R hex] [-X n] image ...\n"
	    "       %s -N -c chipkey -k kmc [-a aid] [-i scp] [-K dir] "
	    "[-m method] [-s serial] image\n"
	    "       %s -F dir -n count -c chipkey -k kmc [-0v] [-a aid] "
	    "[-e ms] [-H host]\n"
	    "                [-i scp] [-K dir] [-m method] [-p port] "
	    "[-R hex] [-s serial] [-X n]\n"
	    "       %s -D kek [-c chipkey] [-K dir] image\n",
	    getprogname(), getprogname(), getprogname(), getprogname());
	exit(2);
}

static void
wipe(void)
{
	size_t i;

	ks_key_clear(&master);
	ks_close(ks);
	ks = NULL;
	for (i = 0; i < nslots; i++) {
		OPENSSL_cleanse(slots[i].im.key, sizeof slots[i].im.key);
		if (slots[i].c != NULL)
			card_free(slots[i].c);
		free(slots[i].c);
		slots[i].c = NULL;
	}
	nslots = 0;
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	va_list ap;

	wipe();
	va_start(ap, fmt);
	verrx(3, fmt, ap);
}

/* Load key name for the option opt: one of the types allowed. */
static void
load(const char *name, int opt, struct ks_key *k, int kmc_only)
{
	struct ks_key info;
	unsigned use;

	if (ks_info(ks, name, &info, errbuf, sizeof errbuf) < 0)
		fatal("%s", errbuf);
	if (info.type == KS_KMC)
		use = KS_USE_CARD;
	else if (info.type == KS_KEK && !kmc_only)
		use = KS_USE_WRAP;
	else
		fatal("key %s: type %s, -%c needs a key of type kmc%s", name,
		    ks_type_name(info.type), opt, kmc_only ? "" : " or kek");
	if (ks_get(ks, name, use, k, errbuf, sizeof errbuf) < 0)
		fatal("%s", errbuf);
	if (k->bits != 0)
		fatal("key %s: not a symmetric key", name);
}

static void
open_store(void)
{
	struct ks_lmk lmk;

	if (ks != NULL)
		return;
	ks_lmk_default(&lmk);
	if ((ks = ks_open(Kflag, &lmk, errbuf, sizeof errbuf)) == NULL)
		fatal("%s", errbuf);
}

/* The chip key of an image (or of a new card with this serial). */
static void
chipkey(struct slot *s, const uint8_t serial[CARD_SERIAL_LEN],
    const char *name)
{
	if (master.val == NULL) {
		open_store();
		load(name, 'c', &master, 0);
	} else if (strcmp(name, master.name) != 0)
		fatal("%s: made under chip key %s, not %s", s->path, name,
		    master.name);
	snprintf(s->im.master, sizeof s->im.master, "%s", master.name);
	if (cardimg_chipkey(&master, serial, s->im.key) < 0)
		fatal("key %s: cannot diversify", master.name);
}

/* A blank card as the card maker ships it (-N and the feeder). */
static void
make_blank(struct slot *s, const uint8_t serial[CARD_SERIAL_LEN])
{
	static const uint8_t isd[] = { 0xA0, 0, 0, 0x01, 0x51, 0, 0, 0 };
	struct card_blank b;
	struct scp_keys keys;
	struct ks_key k[3];
	uint8_t aid[CARD_AID_MAX], kdd[SCP_KDD_LEN], scp, i, kvn;
	char *names, *n[4], *p;
	long aidlen;
	int j, nk, rc;

	if (card_scp_parse(iflag != NULL ? iflag : "02", &scp, &i, &kvn) < 0)
		fatal("-i %s: not SCP[:I[:KVN]] (02:15, 03:70:30)", iflag);
	if ((aidlen = hex_decode(aflag, strlen(aflag), aid)) < 5 ||
	    aidlen > CARD_AID_MAX)
		fatal("-a %s: not an AID (5-16 bytes in hex)", aflag);
	/* One KMC, or the card's ENC, MAC and DEK themselves. */
	if ((names = strdup(kflag)) == NULL)
		fatal("%s", strerror(ENOMEM));
	for (nk = 0, p = strtok(names, ","); p != NULL; p = strtok(NULL, ","))
		if (nk < 4)
			n[nk++] = p;
	if (nk != 1 && nk != 3)
		fatal("-k %s: one KMC or three keys ENC,MAC,DEK", kflag);
	memset(k, 0, sizeof k);
	open_store();
	for (j = 0; j < nk; j++)
		load(n[j], 'k', &k[j], 1);
	card_kdd(isd, sizeof isd, serial, kdd);
	rc = nk == 3 && (k[1].sym != k[0].sym || k[2].sym != k[0].sym) ? -2 :
	    card_maker_keys(mflag != NULL ? mflag : k[0].sym == SYM_3DES2 ?
	    "emv" : "kdf3", k[0].sym, k[0].val, k[1].val, k[2].val, kdd, scp,
	    kvn, &keys);
	if (rc == -1)
		fatal("-m %s: not emv, visa2, kdf3 or none", mflag);
	if (rc < 0)
		fatal("-k %s: keys of the wrong algorithm for SCP%02u", kflag,
		    scp);
	memset(&b, 0, sizeof b);
	memcpy(b.serial, serial, CARD_SERIAL_LEN);
	b.isd = isd;
	b.isdlen = sizeof isd;
	b.aid = aid;
	b.aidlen = (size_t)aidlen;
	b.keys = &keys;
	b.scp = scp;
	b.scpi = i;
	b.authmax = 10;
	b.test = k[0].test || master.test;
	rc = card_init_blank(s->c, &b);
	scp_keys_clear(&keys);
	for (j = 0; j < 3; j++)
		ks_key_clear(&k[j]);
	free(names);
	if (rc < 0)
		fatal("cannot make a card");
	s->im.path = s->path;
	if (cardimg_save(&s->im, s->c, 1, errbuf, sizeof errbuf) < 0)
		fatal("%s", errbuf);
}

/* Load an existing image into slot s. */
static void
load_image(struct slot *s)
{
	uint8_t serial[CARD_SERIAL_LEN];
	char name[KS_NAMEMAX + 1];

	if (cardimg_peek(s->path, serial, name, errbuf, sizeof errbuf) < 0)
		fatal("%s", errbuf);
	if (cflag != NULL && strcmp(cflag, name) != 0)
		fatal("%s: made under chip key %s, not %s", s->path, name, cflag);
	chipkey(s, serial, name);
	s->im.path = s->path;
	if (cardimg_load(&s->im, s->c, errbuf, sizeof errbuf) < 0)
		fatal("%s", errbuf);
}

static void
attach(struct slot *s)
{
	int tries;

	s->c->save = cardimg_hook;
	s->c->savearg = &s->im;
	s->c->t0 = zflag;
	if (rndlen > 0) {
		s->c->rnd = rnd;
		s->c->rndlen = rndlen;
	}
	card_power(s->c, 0);
	/* pcscd may be a moment from listening: a few tries. */
	for (tries = 0; (s->fd = vpcd_connect(Hflag, s->port, errbuf,
	    sizeof errbuf)) < 0; tries++) {
		if (tries == 50 || stop)
			fatal("%s", errbuf);
		nanosleep(&(struct timespec){ 0, 100 * 1000000 }, NULL);
	}
}

/* Answer one message on slot s: 0, or -1 when the reader went away. */
static int
serve(struct slot *s, int *ejected)
{
	uint8_t msg[VPCD_MSGMAX], rsp[CARD_RSP_MAX];
	size_t n;
	long len;

	if ((len = vpcd_recv(s->fd, msg, sizeof msg)) < 0) {
		if (len == -2)
			warn("port %u", s->port);
		return -1;
	}
	if (len == 1) {
		if (msg[0] == VPCD_ATR)
			n = card_atr(s->c, rsp);
		else {
			card_power(s->c, msg[0] == VPCD_OFF ? 0 :
			    msg[0] == VPCD_ON ? 1 : 2);
			if (msg[0] == VPCD_OFF && Fflag != NULL &&
			    s->c->app != CARD_APP_SELECTABLE)
				*ejected = 1;
			return 0;
		}
	} else if (len < 4 || len > CARD_CMD_MAX) {
		rsp[0] = 0x67;
		rsp[1] = 0x00;
		n = 2;
	} else {
		/* -X test switch: the card is pulled out as the Nth STORE
		 * DATA arrives, unanswered (emv-perso's tests). */
		if (Xflag > 0 && msg[1] == 0xE2 && ++xcount == Xflag)
			_exit(0);
		n = card_apdu(s->c, msg, (size_t)len, rsp);
	}
	if (len > 1 && n == 2 && rsp[0] == 0x65 && rsp[1] == 0x81)
		warnx("%s", s->im.err);
	/* Headers and status words only: command data may hold a PIN. */
	if (vflag && len > 1)
		fprintf(stderr, "%s: %s: %02X%02X%02X%02X %02X%02X\n",
		    getprogname(), s->path, msg[0], msg[1], len > 2 ? msg[2] :
		    0, len > 3 ? msg[3] : 0, rsp[n - 2], rsp[n - 1]);
	OPENSSL_cleanse(msg, (size_t)len);
	if (vpcd_send(s->fd, rsp, n) < 0) {
		warn("port %u", s->port);
		return -1;
	}
	return 0;
}

static void
onsig(int sig)
{
	(void)sig;
	stop = 1;
}

/* Serve every slot until the readers go away (or, feeding, until the
 * card is ejected: returns 1). */
static int
run(void)
{
	struct pollfd pfd[SLOTMAX];
	size_t i, open;
	int ejected = 0;

	for (;;) {
		for (i = open = 0; i < nslots; i++) {
			pfd[i].fd = slots[i].fd;
			pfd[i].events = POLLIN;
			open += slots[i].fd >= 0;
		}
		if (open == 0 || stop)
			return 0;
		if (poll(pfd, nslots, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		for (i = 0; i < nslots; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents &
			    (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (serve(&slots[i], &ejected) < 0 || ejected) {
				close(slots[i].fd);
				slots[i].fd = -1;
				if (ejected)
					return 1;
			}
		}
	}
}

/* The feeder: nflag blank cards, one after the other, on one slot. */
static void
feed(void)
{
	struct slot *s = &slots[0];
	uint8_t serial[CARD_SERIAL_LEN];
	unsigned long sn;
	long long k;

	if (sflag != NULL)
		sn = strtoul(sflag, NULL, 16);
	else if (RAND_bytes(serial, sizeof serial) != 1)
		fatal("no random serial");
	else
		sn = (unsigned long)serial[0] << 24 | serial[1] << 16 |
		    serial[2] << 8 | serial[3];
	for (k = 0; k < nflag && !stop; k++) {
		serial[0] = (uint8_t)(sn >> 24);
		serial[1] = (uint8_t)(sn >> 16);
		serial[2] = (uint8_t)(sn >> 8);
		serial[3] = (uint8_t)sn;
		snprintf(s->path, sizeof s->path, "%s/%08lX.card", Fflag, sn);
		chipkey(s, serial, cflag);
		make_blank(s, serial);
		attach(s);
		fprintf(stderr, "%s: card %08lX inserted\n", getprogname(), sn);
		if (run() == 0)
			return;
		fprintf(stderr, "%s: card %08lX ejected\n", getprogname(), sn);
		card_free(s->c);
		sn = (sn + 1) & 0xFFFFFFFF;
		/* The feeder's mechanics: pcscd sees the slot empty. */
		nanosleep(&(struct timespec){ eflag / 1000,
		    (eflag % 1000) * 1000000 }, NULL);
	}
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	struct ks_key kek;
	const char *errstr;
	uint8_t serial[CARD_SERIAL_LEN];
	int ch, i;

	ks_harden();
	Kflag = getenv("EMVPERSO_KEYSTORE");
	if (Kflag == NULL || *Kflag == '\0')
		Kflag = "keys";
	while ((ch = getopt(argc, argv, "0D:F:H:K:NR:X:a:c:e:i:k:m:n:p:s:v")) !=
	    -1)
		switch (ch) {
		case '0': zflag = 1; break;
		case 'D': Dflag = optarg; break;
		case 'F': Fflag = optarg; break;
		case 'H': Hflag = optarg; break;
		case 'K': Kflag = optarg; break;
		case 'N': Nflag = 1; break;
		case 'R': Rflag = optarg; break;
		case 'a': aflag = optarg; break;
		case 'c': cflag = optarg; break;
		case 'i': iflag = optarg; break;
		case 'k': kflag = optarg; break;
		case 'm': mflag = optarg; break;
		case 'v': vflag = 1; break;
		case 'X':
			Xflag = strtonum(optarg, 1, 256, &errstr);
			if (errstr != NULL)
				errx(2, "-X %s: %s", optarg, errstr);
			break;
		case 'e':
			eflag = strtonum(optarg, 0, 60000, &errstr);
			if (errstr != NULL)
				errx(2, "-e %s: %s", optarg, errstr);
			break;
		case 'n':
			nflag = strtonum(optarg, 1, 1000000, &errstr);
			if (errstr != NULL)
				errx(2, "-n %s: %s", optarg, errstr);
			break;
		case 'p':
			pflag = strtonum(optarg, 1, 65535, &errstr);
			if (errstr != NULL)
				errx(2, "-p %s: %s", optarg, errstr);
			break;
		case 's':
			sflag = optarg;
			if (strlen(optarg) != 8 || hex_decode(optarg, 8,
			    serial) != 4)
				errx(2, "-s %s: not 8 hex digits", optarg);
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if ((Fflag != NULL) + Nflag + (Dflag != NULL) > 1 ||
	    (Fflag != NULL ? argc != 0 : argc < 1) ||
	    ((Nflag || Dflag) && argc != 1) || argc > SLOTMAX ||
	    ((Fflag != NULL || Nflag) && (cflag == NULL || kflag == NULL)) ||
	    ((Rflag != NULL || Xflag > 0) && (Nflag || Dflag)))
		usage();
	if (Rflag != NULL) {
		if (strlen(Rflag) > 2 * sizeof rnd || hex_decode(Rflag,
		    strlen(Rflag), rnd) <= 0)
			errx(2, "-R %s: 1 to %zu bytes in hex", Rflag,
			    sizeof rnd);
		rndlen = strlen(Rflag) / 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onsig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	nslots = Fflag != NULL ? 1 : (size_t)argc;
	for (i = 0; i < (int)nslots; i++) {
		if ((slots[i].c = calloc(1, sizeof *slots[i].c)) == NULL)
			fatal("%s", strerror(ENOMEM));
		slots[i].port = (unsigned)(pflag + i);
		slots[i].fd = -1;
		if (Fflag == NULL)
			snprintf(slots[i].path, sizeof slots[i].path, "%s",
			    argv[i]);
	}
	if (Nflag) {
		if (sflag == NULL && RAND_bytes(serial, sizeof serial) != 1)
			fatal("no random serial");
		chipkey(&slots[0], serial, cflag);
		make_blank(&slots[0], serial);
	} else if (Dflag != NULL) {
		load_image(&slots[0]);
		memset(&kek, 0, sizeof kek);
		load(Dflag, 'D', &kek, 0);
		/* A dump is for tests: test chip and test transport key. */
		if (!master.test || !kek.test || kek.type != KS_KEK) {
			ks_key_clear(&kek);
			fatal("-D: only a test card, to a test kek");
		}
		ch = cardimg_dump(slots[0].c, master.name, &kek, stdout, errbuf,
		    sizeof errbuf);
		ks_key_clear(&kek);
		if (ch < 0)
			fatal("%s", errbuf);
	} else if (Fflag != NULL) {
		if ((rndlen > 0 || Xflag > 0) && (open_store(),
		    load(cflag, 'c', &master, 0), !master.test))
			fatal("%s: only with a test chip key", rndlen > 0 ?
			    "-R" : "-X");
		feed();
	} else {
		for (i = 0; i < (int)nslots; i++)
			load_image(&slots[i]);
		if ((rndlen > 0 || Xflag > 0) && !master.test)
			fatal("%s: only with a test chip key", rndlen > 0 ?
			    "-R" : "-X");
		ks_close(ks);
		ks = NULL;
		ks_key_clear(&master);
		for (i = 0; i < (int)nslots; i++)
			attach(&slots[i]);
		run();
	}
	wipe();
	if (Dflag != NULL && (fflush(stdout) == EOF || ferror(stdout)))
		err(3, "stdout");
	return 0;
}
