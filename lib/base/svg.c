/* svg: pieces of an SVG document.  See svg.h. */
#include <string.h>

#include "base/svg.h"

void
svg_esc(struct buf *b, const char *p, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		switch (c) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&apos;"); break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				break;	/* not allowed in XML 1.0 */
			buf_addc(b, c);
		}
	}
}

void
svg_begin(struct buf *b, double w, double h)
{
	buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		   "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		   "font-family=\"%s\">\n", w, h, w, h, SVG_FONTS);
}

void
svg_end(struct buf *b)
{
	buf_adds(b, "</svg>\n");
}

static void
extra(struct buf *b, const char *x)
{
	if (x != NULL && *x != '\0')
		buf_printf(b, " %s", x);
}

void
svg_rect(struct buf *b, double x, double y, double w, double h,
	 const char *fill, const char *ex)
{
	buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		   "height=\"%.1f\" fill=\"%s\"", x, y, w, h, fill);
	extra(b, ex);
	buf_adds(b, "/>\n");
}

void
svg_line(struct buf *b, double x1, double y1, double x2, double y2,
	 const char *stroke, double width, const char *ex)
{
	buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		   "stroke=\"%s\" stroke-width=\"%.1f\"", x1, y1, x2, y2,
		   stroke, width);
	extra(b, ex);
	buf_adds(b, "/>\n");
}

void
svg_circle(struct buf *b, double cx, double cy, double r, const char *fill,
	   const char *ex)
{
	buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
		   "fill=\"%s\"", cx, cy, r, fill);
	extra(b, ex);
	buf_adds(b, "/>\n");
}

void
svg_text(struct buf *b, double x, double y, const char *anchor, double size,
	 const char *fill, const char *ex, const char *text)
{
	buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
		   "font-size=\"%.1f\" fill=\"%s\"", x, y, anchor, size, fill);
	extra(b, ex);
	buf_addc(b, '>');
	svg_esc(b, text, strlen(text));
	buf_adds(b, "</text>\n");
}

void
svg_poly_begin(struct buf *b, const char *stroke, double width,
	       const char *ex)
{
	buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" "
		   "stroke-width=\"%.1f\" stroke-linejoin=\"round\"", stroke,
		   width);
	extra(b, ex);
	buf_adds(b, " points=\"");
}

void
svg_point(struct buf *b, double x, double y)
{
	buf_printf(b, "%.1f,%.1f ", x, y);
}

void
svg_poly_end(struct buf *b)
{
	if (b->len > 0 && b->p[b->len - 1] == ' ')
		b->p[--b->len] = '\0';
	buf_adds(b, "\"/>\n");
}
