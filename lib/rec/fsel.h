/*
 * fsel: field lists on the command line (-b community,grid).
 *
 * An item is a field name (after -F aliases), a 1-based field number, a
 * range of either ("3-5", "opened-closed"), or a glob ('*_date', with
 * * ? and [...]).  A backslash makes the next character literal, so
 * "a\,b" names the field "a,b" and "x\-y" the field "x-y"; an item that is
 * exactly a field's name is that field even when it holds '-' or '*'.  The
 * list keeps the order given; repeats are dropped.
 */
#ifndef JW_FSEL_H
#define JW_FSEL_H

#include <stddef.h>

#include "rec/cli.h"

/* Resolve spec against in's header.  Returns the field indexes (owned by
 * cli, freed by cli_finish()) and sets *n.  A field that is not in the
 * header, a bad number or range, or a glob that matches nothing ends the
 * program with status 2, naming opt ("-b") and the header's fields. */
const size_t *fsel_parse(struct cli *cli, const struct rec_reader *in,
			 const char *opt, const char *spec, size_t *n);

#endif
