/*
 * svg: the few pieces of a hand-written SVG document, appended to a struct
 * buf.  Text and attribute values are escaped for XML (& < > " '), and
 * bytes XML 1.0 does not allow (C0 controls other than TAB, LF, CR) are
 * dropped, so any field value can be drawn.  Numbers are written with one
 * decimal.  Nothing is kept between calls; the caller owns the buf.
 */
#ifndef JW_SVG_H
#define JW_SVG_H

#include <stddef.h>

#include "base/buf.h"

/* The font stack every jingwu chart names, so that Chinese text renders
 * where one of the CJK fonts is installed. */
#define SVG_FONTS "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"

/* p[0..n) escaped for XML text or a quoted attribute value. */
void svg_esc(struct buf *b, const char *p, size_t n);
/* The XML declaration and the opening <svg> of a w x h document with
 * the font stack; svg_end() closes it. */
void svg_begin(struct buf *b, double w, double h);
void svg_end(struct buf *b);
/* <rect>, <line>, <circle> with a fill or stroke and extra attributes
 * (raw, written as given: caller's constants, never data). */
void svg_rect(struct buf *b, double x, double y, double w, double h,
	      const char *fill, const char *extra);
void svg_line(struct buf *b, double x1, double y1, double x2, double y2,
	      const char *stroke, double width, const char *extra);
void svg_circle(struct buf *b, double cx, double cy, double r,
		const char *fill, const char *extra);
/* <text> at x, y with anchor ("start", "middle", "end"), size in px,
 * fill colour and extra attributes; the text is escaped. */
void svg_text(struct buf *b, double x, double y, const char *anchor,
	      double size, const char *fill, const char *extra,
	      const char *text);
/* Start and end a <polyline>: points are added with svg_point(). */
void svg_poly_begin(struct buf *b, const char *stroke, double width,
		    const char *extra);
void svg_point(struct buf *b, double x, double y);
void svg_poly_end(struct buf *b);

#endif
