/* pcsc.c: the card transport, PC/SC-lite and replay backends (pcsc.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>
#include <wintypes.h>

#include "hex.h"
#include "pcsc.h"

#define TRIES 32	/* T=0 GET RESPONSE rounds before giving up */

struct exch {
	uint8_t *cmd, *mask;	/* mask byte 0: any byte matches */
	size_t cmdlen;
	uint8_t *rsp;
	size_t rsplen;
	unsigned long line;
};

struct pcsc {
	int replay;
	/* PC/SC */
	SCARDCONTEXT ctx;
	SCARDHANDLE h;
	DWORD proto;
	char *reader;
	unsigned events;	/* pcscd's card event counter at connect */
	/* replay */
	struct exch *x;
	size_t nx, next;
	/* both */
	uint8_t atr[PCSC_ATR_MAX];
	size_t atrlen;
	FILE *trace;
	int atr_traced;
};

static int __attribute__((format(printf, 4, 5)))
fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int
pcsc_rc(LONG r)
{
	switch (r) {
	case SCARD_E_TIMEOUT:
		return PCSC_ETIMEOUT;
	case SCARD_W_REMOVED_CARD:
	case SCARD_E_NO_SMARTCARD:
	case SCARD_E_NOT_TRANSACTED:
		return PCSC_EREMOVED;
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
		return PCSC_ENOSERVICE;
	default:
		return PCSC_ERR;
	}
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before deadline (-1: none), at most cap. */
static DWORD
left(long deadline, DWORD cap)
{
	long l;

	if (deadline < 0)
		return cap;
	l = deadline - now_ms();
	return l <= 0 ? 0 : (DWORD)l < cap ? (DWORD)l : cap;
}

static int
expired(long deadline)
{
	return deadline >= 0 && now_ms() >= deadline;
}

unsigned
pcsc_sw(const uint8_t *rsp, size_t rlen)
{
	return rlen < 2 ? 0 : (unsigned)rsp[rlen - 2] << 8 | rsp[rlen - 1];
}

/* ---- PC/SC ---- */

/* Establish a context, waiting for pcscd until deadline. */
static int
context(SCARDCONTEXT *ctx, long deadline, char *err, size_t errlen)
{
	LONG r;

	for (;;) {
		r = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, ctx);
		if (r == SCARD_S_SUCCESS)
			return 0;
		if (pcsc_rc(r) != PCSC_ENOSERVICE || expired(deadline))
			return fail(pcsc_rc(r), err, errlen, "pcscd: %s",
			    pcsc_stringify_error(r));
		nanosleep(&(struct timespec){ 0, 20 * 1000000 }, NULL);
	}
}

/* The reader list as one allocated multi-string (*list, free it), or
 * NULL when there is no reader. */
static int
readers(SCARDCONTEXT ctx, char **list, char *err, size_t errlen)
{
	DWORD len = 0;
	LONG r;

	*list = NULL;
	r = SCardListReaders(ctx, NULL, NULL, &len);
	if (r == SCARD_E_NO_READERS_AVAILABLE)
		return 0;
	if (r == SCARD_S_SUCCESS) {
		if ((*list = malloc(len)) == NULL)
			return fail(PCSC_ERR, err, errlen, "%s",
			    strerror(errno));
		r = SCardListReaders(ctx, NULL, *list, &len);
	}
	if (r == SCARD_E_NO_READERS_AVAILABLE) {
		free(*list);
		*list = NULL;
		return 0;
	}
	if (r != SCARD_S_SUCCESS) {
		free(*list);
		*list = NULL;
		return fail(pcsc_rc(r), err, errlen, "SCardListReaders: %s",
		    pcsc_stringify_error(r));
	}
	return 0;
}

/* Find the reader spec names in the multi-string list: a name, a unique
 * prefix or an index.  NULL if none (or an ambiguous prefix). */
static const char *
match(const char *list, const char *spec)
{
	const char *s, *found = NULL;
	char *end;
	long idx;
	int n = 0;

	if (list == NULL)
		return NULL;
	errno = 0;
	idx = strtol(spec, &end, 10);
	if (*spec != '\0' && *end == '\0' && errno == 0 && idx >= 0) {
		for (s = list; *s != '\0' && idx > 0; s += strlen(s) + 1)
			idx--;
		return *s != '\0' ? s : NULL;
	}
	for (s = list; *s != '\0'; s += strlen(s) + 1)
		if (strcmp(s, spec) == 0)
			return s;
	for (s = list; *s != '\0'; s += strlen(s) + 1)
		if (strncmp(s, spec, strlen(spec)) == 0) {
			found = s;
			n++;
		}
	return n == 1 ? found : NULL;
}

/* Wait for the reader list to change (or 250 ms at most). */
static void
pnp_wait(SCARDCONTEXT ctx, long deadline)
{
	SCARD_READERSTATE st;

	memset(&st, 0, sizeof st);
	st.szReader = "\\\\?PnP?\\Notification";
	st.dwCurrentState = SCARD_STATE_UNAWARE;
	if (SCardGetStatusChange(ctx, 0, &st, 1) != SCARD_S_SUCCESS)
		return;
	st.dwCurrentState = st.dwEventState;
	(void)SCardGetStatusChange(ctx, left(deadline, 250), &st, 1);
}

/* Wait until the reader (spec, or any reader if NULL) is there and, for
 * what 'c', holds a card, for 'e' is empty.  *name gets the reader's name
 * (allocated) and *events its card event counter. */
static int
await(SCARDCONTEXT ctx, const char *spec, int what, long deadline,
    char **name, unsigned *events, char *err, size_t errlen)
{
	SCARD_READERSTATE st[16];
	const char *s;
	char *list;
	DWORD n, i;
	LONG r;
	int rc;

	for (;;) {
		if ((rc = readers(ctx, &list, err, errlen)) < 0)
			return rc;
		n = 0;
		if (spec != NULL) {
			if ((s = match(list, spec)) != NULL) {
				memset(&st[0], 0, sizeof st[0]);
				st[0].szReader = s;
				n = 1;
			}
		} else if (list != NULL)
			for (s = list; *s != '\0' && n < 16; s += strlen(s) + 1) {
				memset(&st[n], 0, sizeof st[n]);
				st[n++].szReader = s;
			}
		if (n == 0) {
			free(list);
			if (expired(deadline))
				return fail(PCSC_ETIMEOUT, err, errlen,
				    "%s: no such reader", spec ? spec : "pcscd");
			pnp_wait(ctx, deadline);
			continue;
		}
		if (what == 'r')
			goto found;
		for (i = 0; i < n; i++)
			st[i].dwCurrentState = SCARD_STATE_UNAWARE;
		for (;;) {
			r = SCardGetStatusChange(ctx, 0, st, n);
			if (r != SCARD_S_SUCCESS && r != SCARD_E_TIMEOUT) {
				free(list);
				if (r == SCARD_E_UNKNOWN_READER)
					break;
				return fail(pcsc_rc(r), err, errlen,
				    "SCardGetStatusChange: %s",
				    pcsc_stringify_error(r));
			}
			for (i = 0; i < n; i++) {
				DWORD e = st[i].dwEventState;

				if (what == 'c' && (e & SCARD_STATE_PRESENT) &&
				    !(e & SCARD_STATE_MUTE))
					goto found_i;
				if (what == 'e' && spec != NULL &&
				    (e & SCARD_STATE_EMPTY))
					goto found_i;
			}
			if (what == 'e' && spec == NULL) {
				for (i = 0; i < n; i++)
					if (!(st[i].dwEventState &
					    SCARD_STATE_EMPTY))
						break;
				if (i == n) {
					i = 0;
					goto found_i;
				}
			}
			if (expired(deadline)) {
				free(list);
				return fail(PCSC_ETIMEOUT, err, errlen,
				    "%s: %s", spec ? spec : "readers",
				    what == 'c' ? "no card" : "card not removed");
			}
			for (i = 0; i < n; i++)
				st[i].dwCurrentState = st[i].dwEventState;
			/* Wake up now and then: a reader may come or go. */
			r = SCardGetStatusChange(ctx, left(deadline, 500), st, n);
			if (r == SCARD_E_UNKNOWN_READER) {
				free(list);
				break;
			}
		}
		continue;
found_i:
		st[0] = st[i];
found:
		if (name != NULL && (*name = strdup(st[0].szReader)) == NULL) {
			free(list);
			return fail(PCSC_ERR, err, errlen, "%s", strerror(errno));
		}
		if (events != NULL)
			*events = (unsigned)(st[0].dwEventState >> 16);
		free(list);
		return 0;
	}
}

int
pcsc_wait(const char *reader, int what, long timeout_ms, char *err,
    size_t errlen)
{
	SCARDCONTEXT ctx;
	long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int rc;

	if ((rc = context(&ctx, deadline, err, errlen)) < 0 || what == 's') {
		if (rc == 0)
			SCardReleaseContext(ctx);
		return rc;
	}
	rc = await(ctx, reader, what, deadline, NULL, NULL, err, errlen);
	SCardReleaseContext(ctx);
	return rc;
}

/* Connect to p->reader, retrying while the card settles. */
static int
connect_card(struct pcsc *p, long deadline, char *err, size_t errlen)
{
	DWORD alen = PCSC_ATR_MAX, rlen = 0, state, proto;
	LONG r;

	for (;;) {
		r = SCardConnect(p->ctx, p->reader, SCARD_SHARE_SHARED,
		    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->h, &p->proto);
		if (r == SCARD_S_SUCCESS)
			break;
		if (expired(deadline) || (r != SCARD_E_NO_SMARTCARD &&
		    r != SCARD_W_REMOVED_CARD && r != SCARD_W_UNPOWERED_CARD &&
		    r != SCARD_E_SHARING_VIOLATION))
			return fail(pcsc_rc(r), err, errlen, "%s: %s",
			    p->reader, pcsc_stringify_error(r));
		nanosleep(&(struct timespec){ 0, 20 * 1000000 }, NULL);
	}
	r = SCardStatus(p->h, NULL, &rlen, &state, &proto, p->atr, &alen);
	p->atrlen = r == SCARD_S_SUCCESS ? alen : 0;
	return 0;
}

struct pcsc *
pcsc_open(const char *reader, long timeout_ms, int *rc, char *err,
    size_t errlen)
{
	struct pcsc *p;
	long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		*rc = fail(PCSC_ERR, err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if ((*rc = context(&p->ctx, deadline, err, errlen)) < 0) {
		free(p);
		return NULL;
	}
	if ((*rc = await(p->ctx, reader, 'c', deadline, &p->reader,
	    &p->events, err, errlen)) < 0 ||
	    (*rc = connect_card(p, deadline, err, errlen)) < 0) {
		SCardReleaseContext(p->ctx);
		free(p->reader);
		free(p);
		return NULL;
	}
	return p;
}

int
pcsc_next_card(struct pcsc *p, long timeout_ms, char *err, size_t errlen)
{
	SCARD_READERSTATE st;
	long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int gone = 0;
	LONG r;

	if (p->replay)
		return 0;
	SCardDisconnect(p->h, SCARD_UNPOWER_CARD);
	p->h = 0;
	memset(&st, 0, sizeof st);
	st.szReader = p->reader;
	st.dwCurrentState = SCARD_STATE_UNAWARE;
	/* A new card: seen empty in between, or two card events later
	 * (pcscd counts removals and insertions) if we looked too late. */
	for (;;) {
		r = SCardGetStatusChange(p->ctx, 0, &st, 1);
		if (r != SCARD_S_SUCCESS && r != SCARD_E_TIMEOUT)
			return fail(pcsc_rc(r), err, errlen, "%s: %s", p->reader,
			    pcsc_stringify_error(r));
		if (st.dwEventState & SCARD_STATE_EMPTY)
			gone = 1;
		if ((st.dwEventState & SCARD_STATE_PRESENT) &&
		    !(st.dwEventState & SCARD_STATE_MUTE) &&
		    (gone || (((st.dwEventState >> 16) - p->events) & 0xFFFF) >= 2))
			break;
		if (expired(deadline))
			return fail(PCSC_ETIMEOUT, err, errlen, "%s: %s",
			    p->reader, gone ? "no next card" :
			    "card not removed");
		st.dwCurrentState = st.dwEventState;
		(void)SCardGetStatusChange(p->ctx, left(deadline, 500), &st, 1);
	}
	p->events = (unsigned)(st.dwEventState >> 16);
	return connect_card(p, deadline, err, errlen);
}

/* ---- replay ---- */

/* Parse HEX (spaces allowed; XX wildcards if mask) into a new buffer. */
static int
parse_hex(const char *s, uint8_t **out, uint8_t **mask, size_t *n)
{
	size_t len = strlen(s), i, k = 0;
	uint8_t *b, *m;
	char d[2];
	int nd = 0;

	if ((b = malloc(len / 2 + 1)) == NULL ||
	    (m = malloc(len / 2 + 1)) == NULL) {
		free(b);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')
			continue;
		d[nd++] = s[i];
		if (nd < 2)
			continue;
		nd = 0;
		if (mask != NULL && (d[0] == 'X' || d[0] == 'x') &&
		    (d[1] == 'X' || d[1] == 'x')) {
			b[k] = 0;
			m[k++] = 0;
		} else if (hex_decode(d, 2, b + k) == 1)
			m[k++] = 1;
		else
			break;
	}
	if (i < len || nd != 0) {
		free(b);
		free(m);
		return -1;
	}
	*out = b;
	*n = k;
	if (mask != NULL)
		*mask = m;
	else
		free(m);
	return 0;
}

static void
replay_free(struct pcsc *p)
{
	size_t i;

	for (i = 0; i < p->nx; i++) {
		free(p->x[i].cmd);
		free(p->x[i].mask);
		free(p->x[i].rsp);
	}
	free(p->x);
}

struct pcsc *
pcsc_replay_open(const char *path, char *err, size_t errlen)
{
	struct pcsc *p;
	struct exch *x;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0, n, xcap = 0;
	unsigned long lineno = 0;
	uint8_t *atr, *mask;
	ssize_t len;
	int want = '>';

	if ((fp = fopen(path, "r")) == NULL) {
		fail(0, err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((p = calloc(1, sizeof *p)) == NULL)
		goto nomem;
	p->replay = 1;
	while ((len = getline(&line, &cap, fp)) > 0) {
		lineno++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (strncmp(line, "# atr ", 6) == 0 &&
		    parse_hex(line + 6, &atr, NULL, &n) == 0) {
			if (n <= PCSC_ATR_MAX) {
				memcpy(p->atr, atr, n);
				p->atrlen = n;
			}
			free(atr);
			continue;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (len < 2 || line[0] != want || line[1] != ' ')
			goto bad;
		if (want == '>') {
			if (p->nx == xcap) {
				xcap = xcap ? 2 * xcap : 64;
				if ((x = reallocarray(p->x, xcap, sizeof *x)) ==
				    NULL)
					goto nomem;
				p->x = x;
			}
			x = &p->x[p->nx];
			memset(x, 0, sizeof *x);
			x->line = lineno;
			if (parse_hex(line + 2, &x->cmd, &mask, &x->cmdlen) < 0)
				goto bad;
			x->mask = mask;
			p->nx++;
			if (x->cmdlen < 4 || x->cmdlen > PCSC_CMD_MAX)
				goto bad;
			want = '<';
		} else {
			x = &p->x[p->nx - 1];
			if (parse_hex(line + 2, &x->rsp, NULL, &x->rsplen) < 0 ||
			    x->rsplen < 2 || x->rsplen > PCSC_RSP_MAX)
				goto bad;
			want = '>';
		}
	}
	if (ferror(fp) || want == '<') {
		lineno++;
		goto bad;
	}
	free(line);
	fclose(fp);
	return p;
bad:
	fail(0, err, errlen, "%s: line %lu: not a replay line (\"> HEX\" "
	    "then \"< HEX\")", path, lineno);
	goto out;
nomem:
	fail(0, err, errlen, "%s: %s", path, strerror(ENOMEM));
out:
	if (p != NULL) {
		replay_free(p);
		free(p);
	}
	free(line);
	fclose(fp);
	return NULL;
}

/* ---- both ---- */

static void
trace_line(FILE *fp, char dir, const uint8_t *b, size_t n, size_t hide)
{
	char h[3];
	size_t i;

	fputc(dir, fp);
	fputc(' ', fp);
	for (i = 0; i < n; i++) {
		if (i >= hide) {
			fputs("XX", fp);
			continue;
		}
		hex_encode(b + i, 1, h);
		fputs(h, fp);
	}
	fputc('\n', fp);
}

/* One exchange with the card or the replay, no T=0 logic. */
static int
exchange(struct pcsc *p, const uint8_t *cmd, size_t n, unsigned flags,
    uint8_t *rsp, size_t *rlen, char *err, size_t errlen)
{
	struct exch *x;
	DWORD len = PCSC_RSP_MAX;
	size_t i;
	LONG r;

	if (p->trace != NULL)
		trace_line(p->trace, '>', cmd, n,
		    (flags & PCSC_SECRET) && n > 5 ? 5 : n);
	if (p->replay) {
		if (p->next == p->nx)
			return fail(PCSC_EREPLAY, err, errlen, "replay: "
			    "command %zu: the dialog has ended", p->next + 1);
		x = &p->x[p->next];
		for (i = 0; i < n && i < x->cmdlen; i++)
			if (x->mask[i] && x->cmd[i] != cmd[i])
				break;
		if (i < n || n != x->cmdlen)
			return fail(PCSC_EREPLAY, err, errlen, "replay: command "
			    "%zu (line %lu): not the recorded one (differs at "
			    "byte %zu)", p->next + 1, x->line, i);
		p->next++;
		memcpy(rsp, x->rsp, x->rsplen);
		*rlen = x->rsplen;
	} else {
		r = SCardTransmit(p->h, p->proto == SCARD_PROTOCOL_T0 ?
		    SCARD_PCI_T0 : SCARD_PCI_T1, cmd, n, NULL, rsp, &len);
		if (r != SCARD_S_SUCCESS)
			return fail(pcsc_rc(r), err, errlen, "%s: %s",
			    p->reader, pcsc_stringify_error(r));
		/* A card that dies mid-command leaves an empty response. */
		if (len < 2)
			return fail(PCSC_EREMOVED, err, errlen, "%s: %s",
			    p->reader, "no response from the card");
		*rlen = len;
	}
	if (p->trace != NULL)
		trace_line(p->trace, '<', rsp, *rlen, *rlen);
	return 0;
}

int
pcsc_transmit(struct pcsc *p, const uint8_t *cmd, size_t n, unsigned flags,
    uint8_t *rsp, size_t *rlen, char *err, size_t errlen)
{
	uint8_t buf[PCSC_CMD_MAX], part[PCSC_RSP_MAX];
	size_t plen, have = 0;
	unsigned sw;
	int rc, tries;

	if (n < 4 || n > PCSC_CMD_MAX)
		return fail(PCSC_ERR, err, errlen, "command of %zu bytes", n);
	if ((rc = exchange(p, cmd, n, flags, rsp, rlen, err, errlen)) < 0)
		return rc;
	sw = pcsc_sw(rsp, *rlen);
	/* ISO/IEC 7816-3 10.3.3: 6Cxx, wrong Le: send the command again
	 * with Le = xx (a case 2 command: its P3 is Le). */
	if ((sw & 0xFF00) == 0x6C00 && n <= 5) {
		memcpy(buf, cmd, 4);
		buf[4] = (uint8_t)sw;
		if ((rc = exchange(p, buf, 5, flags, rsp, rlen, err,
		    errlen)) < 0)
			return rc;
		sw = pcsc_sw(rsp, *rlen);
	}
	/* 61xx: xx more bytes to fetch with GET RESPONSE (7816-4 7.6.1). */
	for (tries = 0; (sw & 0xFF00) == 0x6100; tries++) {
		if (tries == TRIES)
			return fail(PCSC_ERR, err, errlen, "card answers 61xx "
			    "for ever");
		if (have + *rlen - 2 > PCSC_RSP_MAX - 2)
			return fail(PCSC_ERR, err, errlen, "response longer "
			    "than %d bytes", PCSC_RSP_MAX - 2);
		memcpy(part + have, rsp, *rlen - 2);
		have += *rlen - 2;
		memcpy(buf, (const uint8_t[]){ 0x00, 0xC0, 0x00, 0x00 }, 4);
		buf[4] = (uint8_t)sw;
		if ((rc = exchange(p, buf, 5, 0, rsp, rlen, err, errlen)) < 0)
			return rc;
		sw = pcsc_sw(rsp, *rlen);
	}
	if (have > 0) {
		plen = *rlen;
		if (have + plen > PCSC_RSP_MAX)
			return fail(PCSC_ERR, err, errlen, "response longer "
			    "than %d bytes", PCSC_RSP_MAX - 2);
		memmove(rsp + have, rsp, plen);
		memcpy(rsp, part, have);
		*rlen = have + plen;
	}
	return 0;
}

void
pcsc_trace(struct pcsc *p, FILE *fp)
{
	char h[2 * PCSC_ATR_MAX + 1];

	p->trace = fp;
	if (fp != NULL && p->atrlen > 0 && !p->atr_traced) {
		p->atr_traced = 1;
		hex_encode(p->atr, p->atrlen, h);
		fprintf(fp, "# atr %s\n", h);
	}
}

size_t
pcsc_atr(const struct pcsc *p, uint8_t atr[PCSC_ATR_MAX])
{
	memcpy(atr, p->atr, p->atrlen);
	return p->atrlen;
}

const char *
pcsc_reader(const struct pcsc *p)
{
	return p->replay ? "replay" : p->reader;
}

int
pcsc_reset(struct pcsc *p, char *err, size_t errlen)
{
	DWORD proto;
	LONG r;

	if (p->replay)
		return 0;
	r = SCardReconnect(p->h, SCARD_SHARE_SHARED,
	    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_RESET_CARD, &proto);
	if (r != SCARD_S_SUCCESS)
		return fail(pcsc_rc(r), err, errlen, "%s: %s", p->reader,
		    pcsc_stringify_error(r));
	p->proto = proto;
	return 0;
}

int
pcsc_close(struct pcsc *p, char *err, size_t errlen)
{
	int rc = 0;

	if (p == NULL)
		return 0;
	if (p->replay) {
		if (p->next < p->nx)
			rc = fail(PCSC_EREPLAY, err, errlen, "replay: %zu "
			    "recorded commands never sent (line %lu on)",
			    p->nx - p->next, p->x[p->next].line);
		replay_free(p);
	} else {
		if (p->h != 0)
			SCardDisconnect(p->h, SCARD_UNPOWER_CARD);
		SCardReleaseContext(p->ctx);
		free(p->reader);
	}
	free(p);
	return rc;
}
