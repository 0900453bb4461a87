/* emv-profile: merge each record's card product profile into it: the
 * product's data objects, its parameters as attributes, and its record
 * layout (emv-profile(1), emvperso-profile(5)). */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "record.h"

static const char *dflag, *pflag;
static char **fflag;
static size_t nfflag;

static struct profile_set profiles;
static const struct profile *deflt;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-d dir] [-f profile] ... [-p name] "
	    "[file ...]\n", getprogname());
	exit(2);
}

static void
merge(struct rec *r, void *arg)
{
	(void)arg;
	const struct rec_field *f = rec_get(r, "profile");
	const struct profile *p;
	char why[256], *c;

	if (f == NULL) {
		if ((p = deflt) == NULL) {
			rec_fail(r, "profile", "no-profile", "no-profile: the "
			    "record names no profile and there is no -p "
			    "default");
			return;
		}
	} else if ((p = profile_find(&profiles, f->value, f->vallen)) ==
	    NULL) {
		rec_fail(r, "profile", "no-profile", "no-profile: no profile "
		    "%.*s", (int)(f->vallen > PROFILE_NAMEMAX ?
		    PROFILE_NAMEMAX : f->vallen), f->value);
		return;
	}
	if (profile_apply(p, r, why, sizeof why) < 0) {
		/* why is "TAG: reason" */
		if ((c = strstr(why, ": ")) != NULL)
			*c = '\0';
		rec_fail(r, why, "fixed-tag", "fixed-tag: %s",
		    c != NULL ? c + 2 : "");
	}
}

static void
load(void)
{
	char why[512];
	size_t i;

	if ((dflag != NULL || nfflag == 0) &&
	    profile_load_dir(&profiles, dflag ? dflag : profile_dir_default(),
	    why, sizeof why) < 0)
		errx(3, "%s", why);
	for (i = 0; i < nfflag; i++)
		if (profile_load(&profiles, fflag[i], why, sizeof why) < 0)
			errx(3, "%s", why);
	if (pflag != NULL &&
	    (deflt = profile_find(&profiles, pflag, strlen(pflag))) == NULL)
		errx(3, "-p %s: no such profile", pflag);
}

int
main(int argc, char *argv[])
{
	int ch, status;

	if ((fflag = calloc((size_t)argc, sizeof *fflag)) == NULL)
		err(3, NULL);
	while ((ch = getopt(argc, argv, "d:f:p:")) != -1)
		switch (ch) {
		case 'd':
			dflag = optarg;
			break;
		case 'f':
			fflag[nfflag++] = optarg;
			break;
		case 'p':
			pflag = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	load();
	status = rec_filter(argc, argv, merge, NULL);
	profile_free(&profiles);
	free(fflag);
	return status;
}
