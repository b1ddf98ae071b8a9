package web

// The body of a section page (templates/pages/application_section.html
// keeps only its frame and the shared error summary), written in Go for
// the reason given in application_render.go.

import "html/template"

// SectionTop writes the link back to the overview, the title and a refused
// write, above the error summary.
func (p *answerSectionPage) SectionTop() template.HTML {
	w := newHTMLWriter()
	w.raw("<p class=\"meta\"><a href=\"")
	w.text(p.Overview)
	w.raw("\">")
	w.text(p.T("form.page.overview"))
	w.raw("</a></p>\n<h1>")
	w.text(p.PageTitle())
	w.raw("</h1>\n")
	if p.Refused != "" {
		w.raw("<div class=\"error-summary\" role=\"alert\"><h2>")
		w.text(p.T("form.page.refused_title"))
		w.raw("</h2><p>")
		w.text(p.T(p.Refused))
		w.raw("</p></div>")
	}
	return w.done()
}

// SectionBody writes the rest: the notices, the section's score, then its
// questions, in the form that saves them or as text when read-only.
func (p *answerSectionPage) SectionBody() template.HTML {
	w := newHTMLWriter()
	if p.Intro != "" {
		w.raw("<p class=\"lead\">")
		w.text(p.Intro)
		w.raw("</p>")
	}
	w.raw("\n")
	if p.ReadOnly {
		w.raw("<p class=\"notice readonly\">")
		w.text(p.T(p.ReadOnlyWhy))
		w.raw("</p>")
	}
	w.raw("\n")
	if p.Hidden {
		w.raw("<p class=\"notice\">")
		w.text(p.T("form.page.section_hidden"))
		w.raw("</p>")
	}
	points, most := p.PointsText(p.Points), p.PointsText(p.Max)
	w.raw("\n<p class=\"section-score\" id=\"section-score\" data-points=\"")
	w.text(points)
	w.raw("\" data-max=\"")
	w.text(most)
	w.raw("\">")
	w.text(p.T("form.page.score", "Points", points, "Max", most))
	w.raw("</p>\n")
	if p.ReadOnly {
		w.raw("\n<div class=\"answers\">\n")
		writeQuestions(w, newPageTexts(&p.page), p.Questions, true)
		w.raw("\n</div>\n")
	} else {
		p.writeForm(w)
	}
	w.raw("\n")
	if p.Next != "" {
		w.raw("<p><a href=\"")
		w.text(p.Next)
		w.raw("\">")
		w.text(p.T("form.page.next_link"))
		w.raw("</a></p>")
	}
	return w.done()
}

// writeForm writes the form of an editable section, with the messages
// autosave.js shows, then one upload form per file question.
func (p *answerSectionPage) writeForm(w *htmlWriter) {
	w.raw("\n<form method=\"post\" action=\"")
	w.text(p.Action)
	w.raw("\" class=\"section-form\" novalidate data-autosave=\"")
	w.text(p.AutosaveURL)
	w.raw("\" data-section=\"")
	w.text(p.Section.ID)
	w.raw("\"")
	score := func(id string) string { return p.T(id, "Points", "{points}", "Max", "{max}") }
	for _, a := range []struct{ before, name, text string }{
		{"\n ", "data-msg-saving", p.T("form.autosave.saving")},
		{" ", "data-msg-saved", p.T("form.autosave.saved")},
		{" ", "data-msg-error", p.T("form.autosave.error")},
		{"\n ", "data-msg-conflict", p.T("form.autosave.conflict")},
		{" ", "data-msg-keep", p.T("form.conflict.keep_mine")},
		{" ", "data-msg-take", p.T("form.conflict.take_theirs")},
		{"\n ", "data-msg-score", score("form.page.score")},
		{" ", "data-msg-leave", p.T("form.autosave.leave")},
		{"\n ", "data-msg-network", p.T("form.autosave.network")},
		{" ", "data-msg-total", score("form.header.score")},
	} {
		w.raw(a.before)
		w.raw(a.name)
		w.raw("=\"")
		w.text(a.text)
		w.raw("\"")
	}
	save := p.T("form.page.save")
	w.raw(">\n<button type=\"submit\" class=\"default-submit\" tabindex=\"-1\" aria-hidden=\"true\">")
	w.text(save)
	w.raw("</button>\n")
	writeQuestions(w, newPageTexts(&p.page), p.Questions, false)
	w.raw("\n<p class=\"hint\">")
	w.text(p.T("form.page.autosave_hint"))
	w.raw("</p>\n<div class=\"form-actions\">\n<button type=\"submit\">")
	w.text(save)
	w.raw("</button>\n")
	if p.Next != "" {
		w.raw("<button type=\"submit\" name=\"next\" value=\"1\" class=\"secondary\">")
		w.text(p.T("form.page.save_next"))
		w.raw("</button>")
	}
	w.raw("\n</div>\n</form>\n")
	for i := range p.Uploads {
		p.writeUploadForm(w, &p.Uploads[i])
	}
	w.raw("\n")
}

// writeUploadForm writes the form a file question's upload button posts:
// outside the section's form, since forms do not nest. Question ids are
// [a-z0-9_] (form/check.go), so the address needs no escaping beyond
// HTML's.
func (p *answerSectionPage) writeUploadForm(w *htmlWriter, q *questionView) {
	w.raw("\n<form id=\"upload-")
	w.text(q.ID)
	w.raw("\" class=\"upload-form\" method=\"post\" action=\"/candidatures/")
	w.num(int(p.Header.AppID))
	w.raw("/fichiers?q=")
	w.text(q.ID)
	w.raw("\" enctype=\"multipart/form-data\">\n<input type=\"hidden\" name=\"q\" value=\"")
	w.text(q.ID)
	w.raw("\">\n<input type=\"hidden\" name=\"v.")
	w.text(q.ID)
	w.raw("\" value=\"")
	w.num(q.Version)
	w.raw("\">\n</form>\n")
}
