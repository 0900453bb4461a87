/* t-pcsc: the replay backend of lib/pcsc: exact replay of a recorded
 * dialog (the SCP02 V13 handshake, driven by lib/scp's host side), the
 * T=0 procedure bytes 61xx and 6Cxx, wildcards, traces that hide secret
 * data, and the failures: an unexpected command, a dialog left unused, a
 * malformed file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "pcsc.h"
#include "scp.h"
#include "unit.h"

static char tmpl[] = "/tmp/t-pcsc.XXXXXX";

/* Write text to a fresh temporary file; returns its path. */
static const char *
file(const char *text)
{
	static char path[64];
	FILE *fp;
	int fd;

	snprintf(path, sizeof path, "%s", tmpl);
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		exit(3);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static int
send_hex(struct pcsc *p, const char *hex, unsigned flags, uint8_t *rsp,
    size_t *rlen, char *err)
{
	uint8_t cmd[PCSC_CMD_MAX];
	long n = hex_decode(hex, strlen(hex), cmd);

	return pcsc_transmit(p, cmd, (size_t)n, flags, rsp, rlen, err, 256);
}

static int
rsp_is(const uint8_t *rsp, size_t rlen, const char *hex)
{
	char h[2 * PCSC_RSP_MAX + 1];

	hex_encode(rsp, rlen, h);
	if (strcmp(h, hex) != 0)
		printf("#   got %s\n#  want %s\n", h, hex);
	return strcmp(h, hex) == 0;
}

static void
v13(void)
{
	static const uint8_t key[16] = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45,
	    0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F };
	static const uint8_t hc[8] = { 0xD5, 0xAD, 0x53, 0x9A, 0x60, 0xCA,
	    0x5E, 0x72 };
	uint8_t cmd[SCP_APDU_MAX], rsp[PCSC_RSP_MAX], atr[PCSC_ATR_MAX];
	struct scp_session s;
	struct scp_keys k;
	struct pcsc *p;
	size_t n, rn;
	char err[256];
	int rc;

	p = pcsc_replay_open("tests/replay/scp02-v13.txt", err, sizeof err);
	CHECK(p != NULL, "replay: the V13 dialog loads");
	if (p == NULL)
		return;
	CHECK_INT(pcsc_atr(p, atr), 5, "replay: the ATR comment is read");
	CHECK_STR(pcsc_reader(p), "replay", "replay: reader name");
	rc = send_hex(p, "00A4040008A000000151000000", 0, rsp, &rn, err);
	CHECK(rc == 0 && pcsc_sw(rsp, rn) == 0x9000, "replay: SELECT");
	memset(&s, 0, sizeof s);
	scp_keys_set(&k, SYM_3DES2, 0x01, key, key, key);
	rc = scp_host_begin(&s, 2, 0x15, 0, hc, cmd, &n) ||
	    pcsc_transmit(p, cmd, n, 0, rsp, &rn, err, sizeof err) ||
	    scp_host_response(&s, &k, rsp, rn - 2) ||
	    scp_host_ext_auth(&s, SCP_LEVEL_MAC, cmd, &n) ||
	    pcsc_transmit(p, cmd, n, 0, rsp, &rn, err, sizeof err);
	CHECK_INT(rc, 0, "replay: lib/scp's host side makes the V13 commands");
	CHECK(pcsc_sw(rsp, rn) == 0x9000, "replay: EXTERNAL AUTHENTICATE 9000");
	CHECK_INT(pcsc_close(p, err, sizeof err), 0, "replay: all used");
	scp_end(&s);
	scp_keys_clear(&k);
}

static void
t0(void)
{
	uint8_t rsp[PCSC_RSP_MAX];
	struct pcsc *p;
	size_t rn;
	char err[256];
	const char *path;

	/* ISO/IEC 7816-3 10.3.3 and 7816-4 7.6.1. */
	path = file("# a T=0 card\n"
	    "> 80CA00CF00\n< 6C0C\n> 80CA00CF0C\n< CF0A00006001000000420001 9000\n"
	    "> 00A4040007A0000000031010\n< 6110\n"
	    "> 00C0000010\n< 6F0E8407A0000000031010A5035F2D 6103\n"
	    "> 00C0000003\n< 02656E 9000\n");
	p = pcsc_replay_open(path, err, sizeof err);
	unlink(path);
	CHECK(p != NULL, "t0: replay loads");
	if (p == NULL)
		return;
	CHECK(send_hex(p, "80CA00CF00", 0, rsp, &rn, err) == 0 &&
	    rsp_is(rsp, rn, "CF0A000060010000004200019000"),
	    "t0: 6Cxx: the command again with Le = xx");
	CHECK(send_hex(p, "00A4040007A0000000031010", 0, rsp, &rn, err) == 0 &&
	    rsp_is(rsp, rn, "6F0E8407A0000000031010A5035F2D02656E9000"),
	    "t0: 61xx twice: GET RESPONSE, the parts joined");
	CHECK_INT(pcsc_close(p, err, sizeof err), 0, "t0: all used");
}

static void
mismatch(void)
{
	uint8_t rsp[PCSC_RSP_MAX];
	struct pcsc *p;
	size_t rn;
	char err[256], *buf = NULL, *path;
	size_t blen = 0;
	FILE *tr;

	path = strdup(file("> 0020008008XXXXXXXXXXXXXXXX\n< 9000\n"
	    "> 80CA9F3600\n< 9F360200019000\n> 80CA9F1700\n< 9F1701039000\n"));
	p = pcsc_replay_open(path, err, sizeof err);
	CHECK(p != NULL, "mismatch: replay loads");
	if (p == NULL)
		return;
	tr = open_memstream(&buf, &blen);
	pcsc_trace(p, tr);
	CHECK(send_hex(p, "0020008008241234FFFFFFFFFF", PCSC_SECRET, rsp, &rn,
	    err) == 0 && pcsc_sw(rsp, rn) == 0x9000,
	    "mismatch: XX matches any byte");
	fclose(tr);
	CHECK_STR(buf, "> 0020008008XXXXXXXXXXXXXXXX\n< 9000\n",
	    "mismatch: the trace hides secret command data");
	free(buf);
	pcsc_trace(p, NULL);
	CHECK_INT(send_hex(p, "80CA9F1300", 0, rsp, &rn, err), PCSC_EREPLAY,
	    "mismatch: another command fails");
	CHECK_STR(err, "replay: command 2 (line 3): not the recorded one "
	    "(differs at byte 3)", "mismatch: the message names it");
	CHECK_INT(send_hex(p, "80CA9F3600", 0, rsp, &rn, err), 0,
	    "mismatch: the recorded one still answers");
	CHECK_INT(pcsc_close(p, err, sizeof err), PCSC_EREPLAY,
	    "mismatch: a dialog not played to the end fails at close");
	CHECK_STR(err, "replay: 1 recorded commands never sent (line 5 on)",
	    "mismatch: close names what is left");
	unlink(path);
	free(path);
	path = strdup(file("> 00A4\n< 9000\n"));
	CHECK(pcsc_replay_open(path, err, sizeof err) == NULL,
	    "bad file: a 2-byte command");
	unlink(path);
	free(path);
	path = strdup(file("> 80CA9F3600\n"));
	CHECK(pcsc_replay_open(path, err, sizeof err) == NULL,
	    "bad file: a command without its response");
	unlink(path);
	free(path);
	path = strdup(file("< 9000\n"));
	CHECK(pcsc_replay_open(path, err, sizeof err) == NULL,
	    "bad file: a response first");
	CHECK(strstr(err, "line 1: not a replay line") != NULL,
	    "bad file: the message names the line");
	unlink(path);
	free(path);
}

int
main(void)
{
	v13();
	t0();
	mismatch();
	return unit_done();
}
