package web

// The table widget and the conflict box of a question (see
// application_render.go).

import "tnl/internal/form"

// writeQuestionTable was "question-table": a grid of inputs, one row per
// line of the answer plus spare ones, and the button that adds more.
func writeQuestionTable(w *htmlWriter, t *pageTexts, v *questionView) {
	w.raw("\n<div class=\"field-table")
	w.when(v.Problem != "", " has-error")
	w.raw("\">\n")
	writeQuestionHead(w, t, v)
	w.raw("\n<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"caption-")
	w.text(v.ID)
	w.raw("\">\n<table class=\"answer-table\">\n<caption id=\"caption-")
	w.text(v.ID)
	w.raw("\">")
	writeLabelText(w, t, v)
	w.raw("</caption>\n<thead><tr><th scope=\"col\">")
	w.raw(t.get("form.q.row"))
	w.raw("</th>\n")
	for i := range v.Columns {
		w.raw("<th scope=\"col\" id=\"col-")
		w.text(v.ID)
		w.raw("-")
		w.text(v.Columns[i].ID)
		w.raw("\">")
		w.text(v.Columns[i].Label)
		w.raw("</th>\n")
	}
	w.raw("</tr></thead>\n<tbody>\n")
	for i := range v.Rows {
		writeTableRow(w, t, v, &v.Rows[i])
	}
	w.raw("</tbody>\n</table>\n</div>\n<button type=\"submit\" class=\"secondary\" name=\"more\" value=\"")
	w.text(v.ID)
	w.raw("\"")
	w.when(v.Disabled, " disabled")
	w.raw(">")
	w.raw(t.get("form.q.more_rows"))
	w.raw("<span class=\"visually-hidden\"> (")
	w.text(v.Label)
	w.raw(")</span></button>\n</div>\n")
}

func writeTableRow(w *htmlWriter, t *pageTexts, v *questionView, row *rowView) {
	w.raw("<tr><th scope=\"row\" id=\"row-")
	w.text(v.ID)
	w.raw("-")
	w.num(row.Index)
	w.raw("\">")
	w.num(row.Number)
	w.raw("</th>\n")
	for i := range row.Cells {
		c := &row.Cells[i]
		w.raw("<td>")
		if c.Type == form.YesNo {
			writeYesNoCell(w, t, v, row, c)
		} else {
			writeCellInput(w, v, row, c)
		}
		w.raw("</td>\n")
	}
	w.raw("</tr>\n")
}

// writeCellLabels names a cell by its column and its row.
func writeCellLabels(w *htmlWriter, v *questionView, row *rowView, c *cellView) {
	w.raw(" aria-labelledby=\"col-")
	w.text(v.ID)
	w.raw("-")
	w.text(c.Column)
	w.raw(" row-")
	w.text(v.ID)
	w.raw("-")
	w.num(row.Index)
	w.raw("\"")
}

func writeYesNoCell(w *htmlWriter, t *pageTexts, v *questionView, row *rowView, c *cellView) {
	w.raw("<select id=\"")
	w.text(c.ID)
	w.raw("\" name=\"")
	w.text(c.Name)
	w.raw("\"")
	writeCellLabels(w, v, row, c)
	w.when(v.Disabled, " disabled")
	w.raw(">\n<option value=\"\"></option><option value=\"yes\"")
	w.when(c.Value == "yes", " selected")
	w.raw(">")
	w.raw(t.get("form.q.yes"))
	w.raw("</option><option value=\"no\"")
	w.when(c.Value == "no", " selected")
	w.raw(">")
	w.raw(t.get("form.q.no"))
	w.raw("</option></select>")
}

func writeCellInput(w *htmlWriter, v *questionView, row *rowView, c *cellView) {
	w.raw("<input id=\"")
	w.text(c.ID)
	w.raw("\" name=\"")
	w.text(c.Name)
	w.raw("\" type=\"")
	w.text(c.InputType)
	w.raw("\"")
	writeInputMode(w, c.InputMode)
	w.raw(" value=\"")
	w.text(c.Value)
	w.raw("\"")
	writeCellLabels(w, v, row, c)
	if v.Problem != "" && row.Index == 0 {
		w.raw(" aria-describedby=\"error-")
		w.text(v.ID)
		w.raw("\"")
	}
	w.when(v.Disabled, " disabled")
	w.raw(">")
}

// writeQuestionConflict was "question-conflict": the newer answer someone
// else saved beside what the person typed, and the two ways out.
func writeQuestionConflict(w *htmlWriter, t *pageTexts, v *questionView) {
	c := v.Conflict
	w.raw("\n<div class=\"conflict\" role=\"group\" aria-labelledby=\"conflict-")
	w.text(v.ID)
	w.raw("\">\n<p class=\"conflict-title\" id=\"conflict-")
	w.text(v.ID)
	w.raw("\">")
	w.raw(t.get("form.conflict.title"))
	w.raw("</p>\n<div class=\"conflict-pair\">\n<div><p class=\"conflict-head\">")
	w.raw(t.get("form.conflict.mine"))
	w.raw("</p><p class=\"answer")
	w.when(c.Mine == "", " empty")
	w.raw("\">")
	w.text(c.Mine)
	w.raw("</p></div>\n<div><p class=\"conflict-head\">")
	w.text(t.p.T("form.conflict.theirs", "Email", c.SavedBy, "Date", t.p.DateTime(c.SavedAt)))
	w.raw("</p><p class=\"answer")
	w.when(c.Display == "", " empty")
	w.raw("\">")
	w.text(c.Display)
	w.raw("</p></div>\n</div>\n<p>")
	w.raw(t.get("form.conflict.help"))
	w.raw("</p>\n<p class=\"conflict-actions\"><button type=\"submit\" name=\"mine\" value=\"")
	w.text(v.ID)
	w.raw("\">")
	w.raw(t.get("form.conflict.keep_mine"))
	w.raw("</button>\n<button type=\"submit\" class=\"secondary\" name=\"theirs\" value=\"")
	w.text(v.ID)
	w.raw("\">")
	w.raw(t.get("form.conflict.take_theirs"))
	w.raw("</button></p>\n</div>\n")
}
