/*
 * pollplot: the bump chart of poll-rank plot, as a self-contained SVG
 * (no script, no external font or image): one line per unit across the
 * years, rank 1 at the top, the tiers shaded per year, a unit in a year
 * that was not polled (or too small a sample to rank) breaks its line,
 * and units that share a rank sit on one point with their names joined by
 * '='.  The highlighted unit is drawn strongly, each point labelled with
 * its rank ("=3" for a shared rank).
 */
#ifndef JW_POLLPLOT_H
#define JW_POLLPLOT_H

#include <stddef.h>

#include "base/buf.h"
#include "domain/poll.h"

/* Append the chart of tb (ranked by poll_table_rank(), with no -b fields)
 * to b.  hl may be NULL; title may be "". */
void pollplot_svg(struct buf *b, const struct poll *p,
		  const struct poll_table *tb, const struct poll_unit *hl,
		  const char *title, int by_rate);
/* Write the document to path (durably, replacing it) or to stdout when
 * path is NULL.  0, or -1 after printing why. */
int pollplot_write(const char *path, const char *p, size_t n);

#endif
