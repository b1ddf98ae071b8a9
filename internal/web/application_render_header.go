package web

// The application's header and section navigation, written in Go for the
// "app-header" and "section-nav" templates (see application_render.go).

import "html/template"

// Render writes the header of an application page: body, edition, status,
// deadline, indicative score and progress. p is the page that shows it.
func (h appHeader) Render(p pager) template.HTML {
	pg := p.base()
	w := newHTMLWriter()
	w.raw("\n<section class=\"app-header\" aria-label=\"")
	w.text(pg.T("form.header.label"))
	w.raw("\">\n<p class=\"app-body\">")
	w.text(h.Body)
	w.raw("</p>\n<p class=\"meta\">")
	w.text(pg.T("form.header.edition", "Year", h.Year, "Track", h.Track))
	w.raw("</p>\n<p class=\"app-status\">")
	switch {
	case h.Submitted():
		w.text(pg.T("form.header.status.submitted", "Count", h.Submissions))
	case h.Reopened:
		w.text(pg.T("form.header.status.reopened"))
	default:
		w.text(pg.T("form.header.status.draft"))
	}
	w.raw("</p>\n")
	if h.Reopened && h.Correction != "" {
		w.raw("<p class=\"app-correction\">")
		w.text(pg.T("form.header.correction"))
		w.raw(" <span class=\"pre\">")
		w.text(h.Correction)
		w.raw("</span></p>")
	}
	w.raw("\n")
	h.writeDeadline(w, pg)
	w.raw("\n<p class=\"app-score\" id=\"app-score\">")
	w.text(pg.T("form.header.score", "Points", pg.PointsText(h.Score), "Max", pg.PointsText(h.Max)))
	w.raw("</p>\n<p class=\"app-progress\"><label for=\"app-progress-")
	w.num(int(h.AppID))
	w.raw("\">")
	w.text(pg.T("form.header.progress", "Answered", h.Answered, "Visible", h.Visible, "Percent", h.Percent))
	w.raw("</label>\n<progress id=\"app-progress-")
	w.num(int(h.AppID))
	w.raw("\" max=\"100\" value=\"")
	w.num(h.Percent)
	w.raw("\">")
	w.num(h.Percent)
	w.raw(" %</progress></p>\n</section>\n")
	return w.done()
}

func (h appHeader) writeDeadline(w *htmlWriter, pg *page) {
	if !h.HasDeadline {
		return
	}
	w.raw("<p class=\"app-deadline\">")
	w.text(pg.T("form.header.deadline", "Date", pg.DateTime(h.Deadline)))
	w.raw(" – <strong class=\"")
	if h.Closed {
		w.raw("left-closed")
	} else {
		w.raw("left")
	}
	w.raw("\">")
	w.text(pg.T(h.LeftID, "Count", h.LeftCount))
	w.raw("</strong></p>")
}

// RenderNav writes the navigation between the form's sections, with the
// progress of each.
func (h appHeader) RenderNav(p pager) template.HTML {
	pg := p.base()
	w := newHTMLWriter()
	w.raw("\n<nav class=\"section-nav\" aria-label=\"")
	w.text(pg.T("form.nav.label"))
	w.raw("\">\n<ol>\n")
	for i := range h.Sections {
		l := &h.Sections[i]
		w.raw("<li><a href=\"")
		w.text(l.URL)
		w.raw("\"")
		w.when(l.Current, " aria-current=\"page\"")
		w.raw(">")
		w.text(l.Title)
		w.raw("</a>\n<span class=\"meta\">")
		w.text(pg.T("form.nav.progress", "Answered", l.Answered, "Visible", l.Visible))
		if l.RequiredMissing != 0 {
			w.text(pg.T("form.nav.required_missing", "Count", l.RequiredMissing))
		}
		w.raw("</span></li>\n")
	}
	w.raw("</ol>\n</nav>\n")
	return w.done()
}
