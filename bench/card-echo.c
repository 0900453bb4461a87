/* card-echo: the least a card can do on the vpcd wire (lib/vpcd): answer
 * the ATR request and every command with 9000, no card logic at all.
 * bench/card measures it beside emv-card, so that the round trip through
 * pcscd and vpcd is known in the same run.  usage: card-echo port */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>

#include "vpcd.h"

int
main(int argc, char *argv[])
{
	static const uint8_t atr[] = { 0x3B, 0x80, 0x80, 0x01, 0x01 };
	static const uint8_t ok[] = { 0x90, 0x00 };
	uint8_t msg[VPCD_MSGMAX];
	char errbuf[256];
	long n;
	int fd;

	if (argc != 2)
		errx(2, "usage: card-echo port");
	if ((fd = vpcd_connect("127.0.0.1", (unsigned)atoi(argv[1]), errbuf,
	    sizeof errbuf)) < 0)
		errx(3, "%s", errbuf);
	while ((n = vpcd_recv(fd, msg, sizeof msg)) >= 0) {
		if (n == 1 && msg[0] == VPCD_ATR)
			n = vpcd_send(fd, atr, sizeof atr);
		else if (n > 1)
			n = vpcd_send(fd, ok, sizeof ok);
		if (n < 0)
			err(3, "send");
	}
	return 0;
}
