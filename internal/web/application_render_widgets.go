package web

// The widget of each question type (see application_render.go). Each
// function writes what one template of partials/application.html wrote,
// named in its comment, newlines included.

import "tnl/internal/form"

// writeQuestionWidget chooses the widget of the question's type.
func writeQuestionWidget(w *htmlWriter, t *pageTexts, v *questionView) {
	switch {
	case v.Type == form.YesNo || v.Type == form.Multiple || v.Type == form.Single && !v.Select:
		writeQuestionChoices(w, t, v)
	case v.Type == form.Table:
		writeQuestionTable(w, t, v)
	case v.Type == form.Software:
		writeQuestionSoftware(w, t, v)
	case v.Type == form.File:
		writeQuestionFile(w, t, v)
	default:
		writeQuestionScalar(w, t, v)
		return
	}
	w.raw("\n")
}

// hasHint: a help text, or the date format every date field shows.
func (v *questionView) hasHint() bool { return v.Help != "" || v.Type == form.Date }

// writeQuestionRead was "question-read": the label and the answer as text.
func writeQuestionRead(w *htmlWriter, t *pageTexts, v *questionView) {
	w.raw("\n<p class=\"q-label\">")
	w.text(v.Label)
	w.raw("</p>\n")
	switch {
	case len(v.Files) > 0:
		w.raw("<ul class=\"file-list\">")
		for i := range v.Files {
			w.raw("<li><a href=\"")
			w.text(v.Files[i].URL)
			w.raw("\">")
			w.text(v.Files[i].Name)
			w.raw("</a></li>")
		}
		w.raw("</ul>\n")
	case v.Display != "":
		w.raw("<p class=\"answer\">")
		w.text(v.Display)
		w.raw("</p>")
	default:
		w.raw("<p class=\"answer empty\">")
		w.raw(t.get("form.q.no_answer"))
		w.raw("</p>")
	}
	w.raw("\n")
}

// writeQuestionHead was "question-head": the hint and the error.
func writeQuestionHead(w *htmlWriter, t *pageTexts, v *questionView) {
	w.raw("\n")
	if v.hasHint() {
		w.raw("<p class=\"hint\" id=\"hint-")
		w.text(v.ID)
		w.raw("\">")
		w.text(v.Help)
		if v.Type == form.Date {
			w.raw(" ")
			w.raw(t.get("form.q.date_format"))
		}
		w.raw("</p>")
	}
	w.raw("\n")
	if v.Problem != "" {
		w.raw("<p class=\"field-error\" id=\"error-")
		w.text(v.ID)
		w.raw("\"><span class=\"visually-hidden\">")
		w.raw(t.get("form.error_prefix"))
		w.raw("</span>")
		w.raw(t.get(v.Problem))
		w.raw("</p>")
	}
	w.raw("\n")
}

// writeDescribedBy writes the aria-describedby of a fieldset: the hint
// and the error, by id.
func writeDescribedBy(w *htmlWriter, v *questionView, hint bool) {
	if !hint && v.Problem == "" {
		return
	}
	w.raw(" aria-describedby=\"")
	if hint {
		w.raw("hint-")
		w.text(v.ID)
	}
	w.when(hint && v.Problem != "", " ")
	if v.Problem != "" {
		w.raw("error-")
		w.text(v.ID)
	}
	w.raw("\"")
}

// writeDescribe was "describe": the accessibility attributes of a
// control.
func writeDescribe(w *htmlWriter, v *questionView) {
	writeDescribedBy(w, v, v.hasHint())
	w.when(v.Problem != "", " aria-invalid=\"true\"")
	w.when(v.Disabled, " disabled")
}

// writeLegend writes the question's label and its "required" mark.
func writeLabelText(w *htmlWriter, t *pageTexts, v *questionView) {
	w.text(v.Label)
	if v.Required {
		w.raw(" <span class=\"required\">")
		w.raw(t.get("form.q.required"))
		w.raw("</span>")
	}
}

// writeFieldsetStart opens the fieldset of a group of controls, with its
// legend and head.
func writeFieldsetStart(w *htmlWriter, t *pageTexts, v *questionView, class string, describe bool) {
	w.raw("\n<fieldset class=\"")
	w.raw(class)
	w.when(v.Problem != "", " has-error")
	w.raw("\"")
	if describe {
		writeDescribedBy(w, v, v.Help != "")
	}
	w.raw(">\n<legend>")
	writeLabelText(w, t, v)
	w.raw("</legend>\n")
	writeQuestionHead(w, t, v)
}

// writeQuestionChoices was "question-choices": radio buttons or boxes.
func writeQuestionChoices(w *htmlWriter, t *pageTexts, v *questionView) {
	writeFieldsetStart(w, t, v, "choices", true)
	w.raw("\n")
	kind := "radio"
	if v.Type == form.Multiple {
		kind = "checkbox"
	}
	for i := range v.Options {
		o := &v.Options[i]
		w.raw("<div class=\"choice\"><input type=\"")
		w.raw(kind)
		w.raw("\" id=\"")
		w.text(o.ID)
		w.raw("\" name=\"")
		w.text(v.Field)
		w.raw("\" value=\"")
		w.text(o.Value)
		w.raw("\"")
		w.when(o.Checked, " checked")
		w.when(v.Disabled, " disabled")
		w.raw(">\n<label for=\"")
		w.text(o.ID)
		w.raw("\">")
		w.text(o.Label)
		w.raw("</label></div>\n")
	}
	w.raw("</fieldset>\n")
}

// writeQuestionScalar was "question-scalar": one input, a text area or a
// select.
func writeQuestionScalar(w *htmlWriter, t *pageTexts, v *questionView) {
	w.raw("\n<div class=\"field")
	w.when(v.Problem != "", " has-error")
	w.raw("\">\n<label for=\"")
	w.text(v.Field)
	w.raw("\">")
	writeLabelText(w, t, v)
	w.raw("</label>\n")
	writeQuestionHead(w, t, v)
	w.raw("\n")
	switch {
	case v.Select:
		writeScalarSelect(w, t, v)
	case v.Type == form.LongText:
		w.raw("<textarea id=\"")
		w.text(v.Field)
		w.raw("\" name=\"")
		w.text(v.Field)
		w.raw("\" rows=\"6\"")
		writeMaxLength(w, v.MaxLength)
		writeDescribe(w, v)
		w.raw(">")
		w.text(v.Value)
		w.raw("</textarea>\n")
	case v.Type == form.Percentage:
		w.raw("<span class=\"with-suffix\"><input id=\"")
		w.text(v.Field)
		w.raw("\" name=\"")
		w.text(v.Field)
		w.raw("\" type=\"text\" inputmode=\"decimal\" value=\"")
		w.text(v.Value)
		w.raw("\" size=\"8\"")
		writeDescribe(w, v)
		w.raw("><span class=\"suffix\">%</span></span>\n")
	default:
		writeScalarInput(w, v)
	}
	w.raw("\n</div>\n")
}

func writeScalarSelect(w *htmlWriter, t *pageTexts, v *questionView) {
	w.raw("<select id=\"")
	w.text(v.Field)
	w.raw("\" name=\"")
	w.text(v.Field)
	w.raw("\"")
	writeDescribe(w, v)
	w.raw(">\n<option value=\"\">")
	w.raw(t.get("form.choose"))
	w.raw("</option>\n")
	for i := range v.Options {
		w.raw("<option value=\"")
		w.text(v.Options[i].Value)
		w.raw("\"")
		w.when(v.Options[i].Checked, " selected")
		w.raw(">")
		w.text(v.Options[i].Label)
		w.raw("</option>\n")
	}
	w.raw("</select>\n")
}

func writeScalarInput(w *htmlWriter, v *questionView) {
	w.raw("<input id=\"")
	w.text(v.Field)
	w.raw("\" name=\"")
	w.text(v.Field)
	w.raw("\" type=\"")
	w.text(v.InputType)
	w.raw("\"")
	writeInputMode(w, v.InputMode)
	w.raw(" value=\"")
	w.text(v.Value)
	w.raw("\"")
	writeMaxLength(w, v.MaxLength)
	w.when(v.Type == form.URL, " autocomplete=\"url\"")
	writeDescribe(w, v)
	w.raw(">")
}

func writeMaxLength(w *htmlWriter, n int) {
	if n != 0 {
		w.raw(" maxlength=\"")
		w.num(n)
		w.raw("\"")
	}
}

func writeInputMode(w *htmlWriter, mode string) {
	if mode != "" {
		w.raw(" inputmode=\"")
		w.text(mode)
		w.raw("\"")
	}
}

// writeQuestionSoftware was "question-software": a list of names to type,
// with the known ones offered.
func writeQuestionSoftware(w *htmlWriter, t *pageTexts, v *questionView) {
	writeFieldsetStart(w, t, v, "choices software", true)
	w.raw("\n<p class=\"hint\">")
	w.raw(t.get("form.q.software_hint"))
	w.raw("</p>\n<ol class=\"entries\">\n")
	for i := range v.Entries {
		e := &v.Entries[i]
		w.raw("<li><label for=\"")
		w.text(e.ID)
		w.raw("\" class=\"visually-hidden\">")
		w.text(t.p.T("form.q.software_entry", "Number", e.Number, "Label", v.Label))
		w.raw("</label>\n<input id=\"")
		w.text(e.ID)
		w.raw("\" name=\"")
		w.text(v.Field)
		w.raw("\" type=\"text\" value=\"")
		w.text(e.Value)
		w.raw("\" list=\"catalogue-")
		w.text(v.ID)
		w.raw("\" autocomplete=\"off\"")
		w.when(v.Disabled, " disabled")
		w.raw("></li>\n")
	}
	w.raw("</ol>\n<datalist id=\"catalogue-")
	w.text(v.ID)
	w.raw("\">\n")
	for _, name := range v.Catalogue {
		w.raw("<option value=\"")
		w.text(name)
		w.raw("\"></option>\n")
	}
	w.raw("</datalist>\n</fieldset>\n")
}

// writeQuestionFile was "question-file": the attached files and the
// upload field, which posts the upload form written after the section's
// form.
func writeQuestionFile(w *htmlWriter, t *pageTexts, v *questionView) {
	writeFieldsetStart(w, t, v, "choices files", false)
	w.raw("\n")
	if len(v.Files) > 0 {
		w.raw("<ul class=\"file-list\">\n")
		for i := range v.Files {
			f := &v.Files[i]
			w.raw("<li><a href=\"")
			w.text(f.URL)
			w.raw("\">")
			w.text(f.Name)
			w.raw("</a>\n<button type=\"submit\" class=\"link\" name=\"remove\" value=\"")
			w.text(f.RemoveName)
			w.raw("\"")
			w.when(v.Disabled, " disabled")
			w.raw(">")
			w.raw(t.get("form.file.remove"))
			w.raw("<span class=\"visually-hidden\"> ")
			w.text(f.Name)
			w.raw("</span></button></li>\n")
		}
		w.raw("</ul>")
	} else {
		w.raw("<p>")
		w.raw(t.get("form.file.none"))
		w.raw("</p>")
	}
	w.raw("\n<div class=\"field upload\">\n<label for=\"file-")
	w.text(v.ID)
	w.raw("\">")
	w.raw(t.get("form.file.add"))
	w.raw("</label>\n<p class=\"hint\" id=\"file-hint-")
	w.text(v.ID)
	w.raw("\">")
	w.raw(t.get("form.file.hint"))
	w.raw("</p>\n<input type=\"file\" id=\"file-")
	w.text(v.ID)
	w.raw("\" name=\"file\" form=\"upload-")
	w.text(v.ID)
	w.raw("\" aria-describedby=\"file-hint-")
	w.text(v.ID)
	if v.Problem != "" {
		w.raw(" error-")
		w.text(v.ID)
	}
	w.raw("\"\n accept=\".pdf,.odt,.ods,.odp,.odg,.png,.jpg,.jpeg,.webp,application/pdf,image/png,image/jpeg,image/webp\"")
	w.when(v.Disabled, " disabled")
	w.raw(">\n<button type=\"submit\" class=\"secondary\" form=\"upload-")
	w.text(v.ID)
	w.raw("\"")
	w.when(v.Disabled, " disabled")
	w.raw(">")
	w.raw(t.get("form.file.upload"))
	w.raw("</button>\n</div>\n</fieldset>\n")
}
