/* vpcd.c: the vpcd wire protocol, card side (vpcd.h). */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vpcd.h"

int
vpcd_connect(const char *host, unsigned port, char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char serv[16];
	int fd = -1, on = 1, rc, e = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(serv, sizeof serv, "%u", port);
	if ((rc = getaddrinfo(host, serv, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) < 0) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "%s port %u: %s", host, port, strerror(e));
		return -1;
	}
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) < 0) {
		snprintf(err, errlen, "TCP_NODELAY: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Read exactly n bytes: 1, 0 at a clean end of file before any byte, -1 on
 * an error or an end of file inside the bytes. */
static int
readn(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;
	int on = 1;

	while (got < n) {
		/* Linux drops QUICKACK after a while: ask again every time. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
		r = recv(fd, buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			if (got == 0)
				return 0;
			errno = ECONNRESET;
			return -1;
		}
		got += (size_t)r;
	}
	return 1;
}

long
vpcd_recv(int fd, uint8_t *buf, size_t cap)
{
	uint8_t hdr[2];
	size_t n;
	int rc;

	if ((rc = readn(fd, hdr, 2)) <= 0)
		return rc == 0 ? -1 : -2;
	n = (size_t)hdr[0] << 8 | hdr[1];
	if (n > cap) {
		errno = EMSGSIZE;
		return -2;
	}
	if (n > 0 && readn(fd, buf, n) <= 0) {
		if (errno == 0)
			errno = ECONNRESET;
		return -2;
	}
	return (long)n;
}

int
vpcd_send(int fd, const uint8_t *msg, size_t n)
{
	uint8_t out[2 + VPCD_MSGMAX];
	size_t off = 0;
	ssize_t w;

	if (n > VPCD_MSGMAX) {
		errno = EMSGSIZE;
		return -1;
	}
	out[0] = (uint8_t)(n >> 8);
	out[1] = (uint8_t)n;
	memcpy(out + 2, msg, n);
	/* One send() for the whole message; loop only on a short write. */
	while (off < n + 2) {
		w = send(fd, out + off, n + 2 - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}
