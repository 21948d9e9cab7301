/*
 * cfg_impl: what the two halves of cfg share (cfg.c loads, cfg_check.c
 * keeps the error list and checks values).  Private to them: programs use
 * cfg.h.
 */
#ifndef JW_CFG_IMPL_H
#define JW_CFG_IMPL_H

#include "base/arena.h"
#include "base/cfg.h"

/* Every node, string and array of a loaded tree, and the kept error
 * messages, come from the arena, so cfg_free() frees it all at once. */
struct cfg {
	struct arena mem;
	const char *name;		/* file name for messages */
	struct cfg_node *root;
	int stopped;			/* loading stopped: add no more errors */
	size_t nerr;			/* errors found, also those not kept */
	/* The first CFG_MAX_ERRORS errors, sorted by position (line 0:
	 * none, first), each "file:line:col: what". */
	size_t nkept;
	struct cfg_err {
		unsigned line, col;
		const char *msg;
	} kept[CFG_MAX_ERRORS];
};

/* Add the error msg at line:col (0:0 for none) to c's list: the message
 * is copied.  Adds nothing once c->stopped is set; the caller sets it
 * after adding the error that stops loading. */
void cfg_add_error(struct cfg *c, unsigned line, unsigned col,
		   const char *msg);

#endif
