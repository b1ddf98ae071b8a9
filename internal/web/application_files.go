package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"tnl/internal/domain"
	"tnl/internal/form"
)

// Attachments are answers' evidence: deliberations, screenshots. They are
// stored under the data directory, through os.Root so that no name can
// lead outside it, each under a random name; the record keeps the name
// the person gave and the SHA-256 of the content.

// maxAttachmentBytes is the largest file accepted.
const maxAttachmentBytes = 10 << 20

// attachmentKind is an accepted file type, recognised by content.
type attachmentKind struct{ mime, ext string }

// sniffAttachment recognises the accepted types from a file's first bytes,
// whatever its name: PDF, OpenDocument, PNG, JPEG, WebP. Anything else —
// SVG, HTML, executables, archives — is refused, since a file served back
// from this site must never run as a page or a program.
func sniffAttachment(head []byte) (attachmentKind, bool) {
	detected := http.DetectContentType(head)
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")) && detected == "application/pdf":
		return attachmentKind{"application/pdf", ".pdf"}, true
	case detected == "image/png":
		return attachmentKind{"image/png", ".png"}, true
	case detected == "image/jpeg":
		return attachmentKind{"image/jpeg", ".jpg"}, true
	case detected == "image/webp":
		return attachmentKind{"image/webp", ".webp"}, true
	case detected == "application/zip":
		return sniffODF(head)
	}
	return attachmentKind{}, false
}

// sniffODF checks the OpenDocument signature: a zip whose first entry is
// an uncompressed file named "mimetype" holding the document's type.
func sniffODF(head []byte) (attachmentKind, bool) {
	const nameAt = 30
	if len(head) < nameAt+8 || !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return attachmentKind{}, false
	}
	method := binary.LittleEndian.Uint16(head[8:])
	size := int(binary.LittleEndian.Uint32(head[18:]))
	nameLen := int(binary.LittleEndian.Uint16(head[26:]))
	extraLen := int(binary.LittleEndian.Uint16(head[28:]))
	start := nameAt + nameLen + extraLen
	if method != 0 || nameLen != 8 || string(head[nameAt:nameAt+8]) != "mimetype" || start > len(head) {
		return attachmentKind{}, false
	}
	// Writers that stream (a data descriptor follows) leave the size at 0:
	// the type then runs up to the next zip signature, which starts "PK".
	mime := head[start:]
	if end := bytes.IndexFunc(mime, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '/')
	}); end >= 0 {
		mime = mime[:end]
	}
	if size != 0 && size != len(mime) {
		return attachmentKind{}, false
	}
	sub, ok := strings.CutPrefix(string(mime), "application/vnd.oasis.opendocument.")
	if !ok || sub == "" || len(mime) > 100 || strings.Contains(sub, "/") {
		return attachmentKind{}, false
	}
	ext := map[string]string{"text": ".testODT", "spreadsheet": ".ods", "presentation": ".odp", "graphics": ".odg"}[sub]
	if ext == "" {
		ext = ".odf"
	}
	return attachmentKind{string(mime), ext}, true
}

// attachmentCreate receives one file for a file question (multipart: q,
// v.<q>, file; q may also come in the address, so that a refused
// oversized upload still knows which question to show again).
func (s *Server) attachmentCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxAttachmentBytes+64<<10)
	acc, ok := s.applicationFor(w, r)
	if !ok {
		return
	}
	parseErr := r.ParseMultipartForm(1 << 20)
	id := r.URL.Query().Get("q")
	if id == "" {
		id = r.FormValue("q")
	}
	q, sec := acc.Def.Question(id)
	if q == nil || q.Type != form.File {
		s.notFound(w, r)
		return
	}
	if why := s.writeRefusal(acc, sec.ID); why != "" {
		s.renderAnswerSection(w, r, acc, sec, sectionState{status: http.StatusForbidden, refused: why})
		return
	}
	file, name, kind, status, problem := readAttachmentUpload(r, parseErr)
	if problem != "" {
		s.renderAnswerSection(w, r, acc, sec, sectionState{status: status, problems: map[string]string{q.ID: problem}})
		return
	}
	defer file.Close()
	base, err := strconv.Atoi(r.FormValue(form.VersionField(q.ID)))
	if err != nil {
		s.renderAnswerSection(w, r, acc, sec, sectionState{status: http.StatusUnprocessableEntity,
			problems: map[string]string{q.ID: "form.file.missing"}})
		return
	}
	s.attachFile(w, r, acc, q, sec, file, name, kind, base)
}

// readAttachmentUpload checks the posted file: present, within the size limit, of
// an accepted type. On refusal it gives the status and message id, and
// closes what it opened.
func readAttachmentUpload(r *http.Request, parseErr error) (f multipart.File, name string, kind attachmentKind, status int, problem string) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(parseErr, &tooBig):
		return nil, "", kind, http.StatusRequestEntityTooLarge, "form.file.too_large"
	case parseErr != nil:
		return nil, "", kind, http.StatusBadRequest, "form.file.missing"
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, "", kind, http.StatusUnprocessableEntity, "form.file.missing"
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	kind, ok := sniffAttachment(head[:n])
	_, err = f.Seek(0, io.SeekStart)
	switch {
	case hdr.Size > maxAttachmentBytes:
		status, problem = http.StatusRequestEntityTooLarge, "form.file.too_large"
	case !ok || err != nil:
		status, problem = http.StatusUnprocessableEntity, "form.file.type"
	default:
		return f, attachmentName(hdr.Filename, kind), kind, http.StatusOK, ""
	}
	f.Close()
	return nil, "", kind, status, problem
}

// attachFile writes the file, then records it and adds it to the answer in
// one transaction; a refused record removes the file again.
func (s *Server) attachFile(w http.ResponseWriter, r *http.Request, acc *appAccess, q *form.Question, sec *form.Section,
	file io.Reader, name string, kind attachmentKind, base int) {
	root, err := s.attachmentsRoot()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer root.Close()
	att := &domain.Attachment{ApplicationID: acc.App.ID, Question: q.ID, Name: name, ContentType: kind.mime,
		UploadedBy: currentUser(r).ID}
	if err := writeAttachment(root, att, file, kind.ext); err != nil {
		s.serverError(w, r, err)
		return
	}
	files := form.Files(acc.Values[q.ID])
	_, err = s.db.AddAttachment(r.Context(), att,
		domain.AnswerSave{ApplicationID: acc.App.ID, Question: q.ID, BaseVersion: base, UserID: currentUser(r).ID},
		func(id int64) string { return form.FileValue(append(files, form.FileRef{ID: id, Name: name})) })
	if err != nil {
		root.Remove(att.Path)
	}
	switch domain.ErrorCode(err) {
	case "":
		s.redirect(w, r, sectionURL(acc.App.ID, sec.ID)+"#q-"+q.ID, "form.flash.file_added")
	case domain.ECLOSED:
		s.renderAnswerSection(w, r, acc, sec, sectionState{status: http.StatusForbidden, refused: "form.page.refused.closed"})
	case domain.ECONFLICT:
		s.renderAnswerSection(w, r, acc, sec, sectionState{status: http.StatusConflict,
			problems: map[string]string{q.ID: "form.file.conflict"}})
	default:
		s.fail(w, r, err)
	}
}

// attachmentsRoot opens the attachments folder of the data directory.
func (s *Server) attachmentsRoot() (*os.Root, error) {
	dir := filepath.Join(s.cfg.DataDir, "attachments")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return os.OpenRoot(dir)
}

// writeAttachment copies the file under <application id>/<random name>,
// computing its size and SHA-256 on the way.
func writeAttachment(root *os.Root, att *domain.Attachment, src io.Reader, ext string) error {
	dir := strconv.FormatInt(att.ApplicationID, 10)
	if err := root.Mkdir(dir, 0o750); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	random := make([]byte, 16)
	rand.Read(random) // never fails (crypto/rand)
	att.Path = path.Join(dir, hex.EncodeToString(random)+ext)
	f, err := root.OpenFile(att.Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(src, maxAttachmentBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxAttachmentBytes {
		err = fmt.Errorf("upload larger than announced")
	}
	if err != nil {
		root.Remove(att.Path)
		return err
	}
	att.Size, att.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	return nil
}

// attachmentName keeps the name the person's computer gave, without folders
// or control characters, and bounded; an empty one gets a plain name.
func attachmentName(raw string, kind attachmentKind) string {
	name := raw[strings.LastIndexAny(raw, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.TrimSpace(name)
	if runes := []rune(name); len(runes) > 150 {
		name = string(runes[:150])
	}
	if name == "" || name == "." || name == ".." {
		name = "fichier" + kind.ext
	}
	return name
}

// attachmentShow sends a file to those who may see its application; an
// attachment of another application is unknown here.
func (s *Server) attachmentShow(w http.ResponseWriter, r *http.Request) {
	if acc, ok := s.applicationFor(w, r); ok {
		s.serveAttachment(w, r, acc.App.ID)
	}
}

// serveAttachment sends the attachment of the URL's {att}, once the caller
// has checked who may see application appID: an attachment of another
// application is unknown here.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, appID int64) {
	id, err := strconv.ParseInt(r.PathValue("att"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	att, err := s.db.FindAttachment(r.Context(), id)
	if err != nil || att.ApplicationID != appID {
		s.notFound(w, r)
		return
	}
	root, err := s.attachmentsRoot()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer root.Close()
	f, err := root.Open(att.Path)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("attachment %d: %w", att.ID, err))
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Disposition", attachmentDisposition(att.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	http.ServeContent(w, r, "", att.UploadedAt, f)
}

// attachmentDisposition makes the browser save the file under its name: an
// ASCII fallback and the exact name encoded as RFC 5987 says.
func attachmentDisposition(name string) string {
	var ascii, exact strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	for _, b := range []byte(name) {
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
			strings.IndexByte("!#$&+-.^_`|~", b) >= 0) {
			exact.WriteByte(b)
		} else {
			fmt.Fprintf(&exact, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii.String(), exact.String())
}
