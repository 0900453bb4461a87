/* vpcd.h: the card side of the vsmartcard vpcd wire protocol, the virtual
 * reader driver of PC/SC-lite (emv-card(1)).  One TCP connection per reader
 * slot; every message in both directions is a 2-byte big-endian length and
 * that many bytes.  From the reader, a 1-byte message is a control byte
 * (VPCD_OFF, VPCD_ON, VPCD_RESET, VPCD_ATR: only VPCD_ATR is answered) and
 * a longer one a command APDU; the card answers an APDU with the response
 * APDU.
 *
 * vpcd writes the length and the payload of a message separately with
 * Nagle's algorithm on, so a peer that does nothing about it waits for the
 * delayed ACK on every APDU (about 20 APDUs/s).  Here every connection has
 * TCP_NODELAY, every reply goes out in one send(), and TCP_QUICKACK is set
 * again before every recv() because Linux clears it. */
#ifndef EMV_VPCD_H
#define EMV_VPCD_H

#include <stddef.h>
#include <stdint.h>

enum {
	VPCD_OFF = 0x00,
	VPCD_ON = 0x01,
	VPCD_RESET = 0x02,
	VPCD_ATR = 0x04
};

#define VPCD_MSGMAX 65535

/* Connect to the vpcd driver listening on host:port and set the socket
 * options above.  Returns the descriptor, or -1 with a reason in err. */
int vpcd_connect(const char *host, unsigned port, char *err, size_t errlen);

/* Read one message into buf (cap bytes): returns its length (>= 0), -1 at
 * end of file (the reader went away), -2 on an error (errno set) or a
 * message longer than cap (EMSGSIZE; the connection is then out of step). */
long vpcd_recv(int fd, uint8_t *buf, size_t cap);

/* Send one message (length prefix and payload) in a single send().
 * Returns 0, or -1 with errno set. */
int vpcd_send(int fd, const uint8_t *msg, size_t n);

#endif
