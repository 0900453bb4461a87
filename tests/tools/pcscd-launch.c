/* pcscd-launch: run pcscd on a private socket by systemd's socket
 * activation protocol (sd_listen_fds(3)): bind and listen on SOCKET, make
 * it descriptor 3, set LISTEN_FDS=1 and LISTEN_PID to our own pid, and
 * exec the daemon, which keeps the pid.  pcscd 1.9.9 ignores
 * PCSCLITE_CSOCK_NAME for its own socket but serves an activated one and
 * then skips its "already running" check, so each test run gets its own
 * daemon beside any other (tests/pcsc.bash). */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un sa;
	char pid[32];
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: pcscd-launch socket pcscd [arg ...]\n");
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof sa.sun_path)
		errx(2, "%s: socket path too long", argv[1]);
	strcpy(sa.sun_path, argv[1]);
	if (unlink(argv[1]) < 0 && errno != ENOENT)
		err(3, "%s", argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		err(3, "socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		err(3, "%s", argv[1]);
	/* Every local user may talk to a system pcscd; a private one is
	 * for whoever runs the tests. */
	if (chmod(argv[1], 0600) < 0 || listen(fd, 64) < 0)
		err(3, "%s", argv[1]);
	if (fd != 3) {
		if (dup2(fd, 3) < 0)
			err(3, "dup2");
		close(fd);
	}
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	if (setenv("LISTEN_FDS", "1", 1) < 0 ||
	    setenv("LISTEN_PID", pid, 1) < 0)
		err(3, "setenv");
	execvp(argv[2], argv + 2);
	err(3, "%s", argv[2]);
}
