package web

// The minutes as a PDF (issue 6 §6): the same content as the page, with
// the same redaction, laid out by the PDF renderer (internal/render). The
// renderer is the server's, behind pdfRenderer; the receipts and the
// certificates of issue 7 will use it the same way.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"tnl/internal/render"
	"tnl/internal/store"
)

// pdfRenderer lays out documents as PDF: render.PDF, which drives headless
// Chromium or, where there is none, a pure-Go fallback.
type pdfRenderer interface {
	Render(ctx context.Context, w io.Writer, d *render.Document) error
	Engine() string // for the log
	Close() error
}

// pdfTimeout bounds one render, the browser's start included.
const pdfTimeout = 30 * time.Second

// pdfService is the server's renderer: it logs which engine renders the
// first time it is used, and stops the browser when an http.Server that
// served a PDF shuts down (a later render starts a new one).
type pdfService struct {
	r      pdfRenderer
	log    *slog.Logger
	logged sync.Once
	hooked sync.Map // *http.Server → true once its shutdown closes the renderer
}

func newPDFService(r pdfRenderer, log *slog.Logger) *pdfService {
	return &pdfService{r: r, log: log}
}

// render lays d out for the request.
func (p *pdfService) render(r *http.Request, d *render.Document) ([]byte, error) {
	p.logged.Do(func() {
		if p.log != nil {
			p.log.Info("pdf renderer", "engine", p.r.Engine())
		}
	})
	if srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok {
		if _, loaded := p.hooked.LoadOrStore(srv, true); !loaded {
			srv.RegisterOnShutdown(func() {
				p.hooked.Delete(srv)
				p.r.Close()
			})
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), pdfTimeout)
	defer cancel()
	var buf bytes.Buffer
	if err := p.r.Render(ctx, &buf, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sendPDF answers a rendered PDF, never cached (it holds what the reader
// may see, and may change).
func sendPDF(w http.ResponseWriter, pdf []byte, filename string) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s"`, filename))
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	w.Write(pdf)
}

// juryMinutesPDF answers the minutes as a PDF, redacted for the reader
// exactly as the page is.
func (s *Server) juryMinutesPDF(w http.ResponseWriter, r *http.Request) {
	j, ok := s.juryFor(w, r)
	if !ok {
		return
	}
	p, ok := s.minutesPageFor(w, r, j)
	if !ok {
		return
	}
	mp := minutesPDF{tr: s.tr, lang: requestLang(r), p: p}
	reader := j.User.Name
	if reader == "" {
		reader = j.User.Email
	}
	pdf, err := s.pdf.render(r, mp.document(reader, s.now()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendPDF(w, pdf, fmt.Sprintf("proces-verbal-%d.pdf", j.Edition.Year))
}

// minutesPDF builds the minutes' document in the reader's language, with
// the page's messages.
type minutesPDF struct {
	tr   *translator
	lang string
	p    *juryMinutesPage
}

func (mp minutesPDF) t(id string, args ...any) string { return mp.tr.T(mp.lang, id, args...) }

func (mp minutesPDF) dateTime(t time.Time) string { return mp.tr.formatDateTime(mp.lang, t) }

// document is the whole procès-verbal, edited at now for reader.
func (mp minutesPDF) document(reader string, now time.Time) *render.Document {
	p, m := mp.p, mp.p.Minutes
	year := p.Edition.Year
	d := &render.Document{Title: p.TitleText, Lang: mp.lang, Created: now, Author: mp.t("seal.minutes.pdf.author"),
		Subject: mp.t("seal.minutes.pdf.subject", "Year", year),
		Footer:  mp.t("seal.minutes.pdf.footer", "Year", year, "Date", mp.dateTime(now))}
	if p.Embargo {
		d.Footer = mp.t("seal.minutes.pdf.confidential") + " – " + d.Footer
		d.Blocks = append(d.Blocks, &render.Paragraph{Text: mp.t("seal.embargo")})
	}
	d.Blocks = append(d.Blocks, &render.Paragraph{Text: mp.t("seal.minutes.pdf.edited", "Date", mp.dateTime(now), "Name", reader)})
	d.Blocks = append(d.Blocks, &render.Heading{Level: 1, Text: mp.t("seal.minutes.validation")},
		&render.Paragraph{Text: mp.validation()})
	if p.Changed {
		d.Blocks = append(d.Blocks, &render.Paragraph{Text: mp.t("seal.minutes.changed")})
	}
	d.Blocks = append(d.Blocks, &render.Heading{Level: 1, Text: mp.t("seal.minutes.meeting")}, mp.meeting())
	d.Blocks = append(d.Blocks, &render.Heading{Level: 1, Text: mp.t("seal.minutes.attendance")}, mp.attendance())
	d.Blocks = append(d.Blocks, &render.Heading{Level: 1, Text: mp.t("seal.minutes.items")})
	if len(m.Items) == 0 {
		d.Blocks = append(d.Blocks, &render.Paragraph{Text: mp.t("seal.minutes.no_items")})
	}
	for _, it := range m.Items {
		d.Blocks = append(d.Blocks, mp.item(it)...)
	}
	d.Blocks = append(d.Blocks, &render.Heading{Level: 1, Text: mp.t("seal.minutes.signature")},
		&render.Paragraph{Text: mp.validation()},
		&render.KeyValues{Pairs: []render.KeyValue{{Key: mp.t("seal.minutes.pdf.digest"), Value: m.DecisionsDigest}}})
	return d
}

// validation says who validated the minutes and when, or that no one has.
func (mp minutesPDF) validation() string {
	v := mp.p.Validation
	if v == nil || v.ValidatedAt == nil {
		return mp.t("seal.minutes.not_validated")
	}
	return mp.t("seal.minutes.validated", "Name", v.ValidatedBy, "Date", mp.dateTime(*v.ValidatedAt))
}

// meeting is the session's facts: the edition, its times, the quorum, the
// ballot and the recusals.
func (mp minutesPDF) meeting() *render.KeyValues {
	m := mp.p.Minutes
	kv := &render.KeyValues{Pairs: []render.KeyValue{{Key: mp.t("seal.minutes.pdf.edition"), Value: mp.p.Edition.Title}}}
	if m.StartedAt != nil {
		kv.Pairs = append(kv.Pairs, render.KeyValue{Key: mp.t("seal.minutes.started"), Value: mp.dateTime(*m.StartedAt)})
	}
	if m.EndedAt != nil {
		kv.Pairs = append(kv.Pairs, render.KeyValue{Key: mp.t("seal.minutes.ended"), Value: mp.dateTime(*m.EndedAt)})
	}
	ballot := mp.t("seal.minutes.ballot_open")
	if m.SecretBallot {
		ballot = mp.t("seal.minutes.ballot_secret")
	}
	kv.Pairs = append(kv.Pairs,
		render.KeyValue{Key: mp.t("seal.minutes.quorum"), Value: mp.t("seal.minutes.quorum_value", "Count", m.Quorum)},
		render.KeyValue{Key: mp.t("seal.minutes.ballot"), Value: ballot},
		render.KeyValue{Key: mp.t("seal.minutes.recusals"), Value: mp.t("seal.minutes.recusals_value", "Count", mp.p.Recusals)})
	return kv
}

// attendance is the jury, their roles and who was there.
func (mp minutesPDF) attendance() render.Block {
	m := mp.p.Minutes
	if len(m.Members) == 0 {
		return &render.Paragraph{Text: mp.t("seal.minutes.no_members")}
	}
	t := &render.Table{Caption: mp.t("seal.minutes.attendance_caption", "Count", len(m.Members)),
		Header: []string{mp.t("seal.minutes.col.member"), mp.t("seal.minutes.col.role"), mp.t("seal.minutes.col.present")}}
	for _, mm := range m.Members {
		present := mp.t("seal.minutes.not_recorded")
		if mm.Present != nil && *mm.Present {
			present = mp.t("seal.minutes.present")
		} else if mm.Present != nil {
			present = mp.t("seal.minutes.absent")
		}
		t.Rows = append(t.Rows, []string{mm.Name, mp.t(mm.Role.Key()), present})
	}
	return t
}

// item is one point of the agenda, as the page tells it: a reserved point
// says only that, and its number.
func (mp minutesPDF) item(it store.MinutesItem) []render.Block {
	title := mp.t("seal.minutes.item", "Number", it.Position) + " – "
	switch {
	case it.Redacted:
		title += mp.t("seal.minutes.reserved_title")
	case it.Body != "":
		title += it.Body
	default:
		title += mp.t("seal.minutes.mention", "Mention", it.Mention)
	}
	title += " (" + mp.t("seal.kind."+it.Kind) + ")"
	out := []render.Block{&render.Heading{Level: 2, Text: title}}
	if it.Redacted {
		return append(out, &render.Paragraph{Text: mp.t("seal.minutes.reserved")})
	}
	out = append(out, &render.Paragraph{Text: mp.t("seal.status." + it.Status)})
	if it.Body == "" {
		if len(it.Awarded) == 0 {
			return append(out, &render.Paragraph{Text: mp.t("seal.minutes.not_awarded")})
		}
		l := &render.List{}
		for _, a := range it.Awarded {
			l.Items = append(l.Items, a.Body)
		}
		return append(out, &render.Paragraph{Text: mp.t("seal.minutes.awarded")}, l)
	}
	if len(it.Recused) > 0 {
		out = append(out, &render.Paragraph{Text: mp.t("seal.minutes.recused") + " " + names(it.Recused) + "."})
	} else {
		out = append(out, &render.Paragraph{Text: mp.t("seal.minutes.no_recusal")})
	}
	if len(it.Disclosed) > 0 {
		out = append(out, &render.Paragraph{Text: mp.t("seal.minutes.disclosed") + " " + names(it.Disclosed) + "."})
	}
	if it.Decision != nil {
		out = append(out, mp.decision(it.Decision)...)
	}
	return out
}

func names(people []store.MinutesPerson) string {
	out := make([]string, len(people))
	for i, p := range people {
		out[i] = p.Name
	}
	return strings.Join(out, ", ")
}

// decision is the vote and the decision on a file, and its tally.
func (mp minutesPDF) decision(d *store.MinutesDecision) []render.Block {
	or := func(s, alt string) string {
		if s == "" {
			return alt
		}
		return s
	}
	level, median, spread := mp.t("seal.minutes.no_level"), "–", "–"
	if d.Level != nil {
		level = or(d.LevelName, "?")
	}
	if d.Median != nil {
		median = or(d.MedianName, "?")
	}
	if d.Lowest != "" {
		spread = mp.t("seal.minutes.spread_value", "Low", d.Lowest, "High", d.Highest)
	}
	quorum := mp.t("seal.minutes.quorum_missed")
	if d.QuorumReached {
		quorum = mp.t("seal.minutes.quorum_reached")
	}
	kv := &render.KeyValues{Pairs: []render.KeyValue{
		{Key: mp.t("seal.minutes.level"), Value: level},
		{Key: mp.t("seal.minutes.median"), Value: median},
		{Key: mp.t("seal.minutes.spread"), Value: spread},
		{Key: mp.t("seal.minutes.voters"), Value: mp.t("seal.minutes.voters_value", "Count", d.Voters) + " – " + quorum},
	}}
	if d.Overridden() {
		kv.Pairs = append(kv.Pairs, render.KeyValue{Key: mp.t("seal.minutes.override"), Value: d.OverrideReason})
	}
	kv.Pairs = append(kv.Pairs, render.KeyValue{Key: mp.t("seal.minutes.mentions"),
		Value: or(strings.Join(d.Mentions, ", "), mp.t("seal.minutes.no_mention"))})
	out := []render.Block{kv}
	if len(d.Tally) > 0 {
		t := &render.Table{Caption: mp.t("seal.minutes.tally"),
			Header: []string{mp.t("seal.minutes.col.level"), mp.t("seal.minutes.col.votes")}}
		for _, g := range d.Tally {
			t.Rows = append(t.Rows, []string{or(g.Name, strconv.Itoa(g.Level)), strconv.Itoa(g.Votes)})
		}
		out = append(out, t)
	}
	return out
}
