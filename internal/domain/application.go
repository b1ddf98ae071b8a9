package domain

import "time"

// ApplicationStatus is where an application stands.
type ApplicationStatus string

// The statuses of an application. A request for correction sends a
// submitted application back to draft; its submissions are kept.
const (
	ApplicationDraft     ApplicationStatus = "draft"
	ApplicationSubmitted ApplicationStatus = "submitted"
)

// Application is one body's file in one edition and track.
type Application struct {
	ID              int64
	Year            int
	Track           string
	Body            Body
	QuestionnaireID int64
	Version         int       // the questionnaire version it answers
	QuestionnaireAt time.Time // when that version was last written (see Questionnaire.CreatedAt)
	Status          ApplicationStatus
	Submissions     int    // how many times it was submitted
	Correction      string // why the secretariat reopened it, while it is open again
	CreatedAt       time.Time
	UpdatedAt       time.Time
	SubmittedAt     *time.Time
	Answered        int // answers that are not empty, for lists
}

// Questionnaire is one stored version of a track's form definition; the
// definition itself is JSON read by the form package.
type Questionnaire struct {
	ID         int64
	Year       int
	Track      string
	Version    int
	Frozen     bool // an application uses it: edits make a new version
	Definition []byte
	CreatedAt  time.Time
}

// Answer is the current value of one question of an application.
type Answer struct {
	Question string
	Value    string
	Version  int // 0: never saved
	SavedBy  int64
	SavedAt  time.Time
}

// AnswerSave is one save of one answer, made from the version the user
// was editing.
type AnswerSave struct {
	ApplicationID int64
	Question      string
	Value         string
	BaseVersion   int
	UserID        int64
}

// SaveResult tells a saver what happened: Saved with the new version, or a
// conflict with the newer answer that someone else saved meanwhile (the
// refused value is kept in the history too).
type SaveResult struct {
	Version  int
	Conflict *Answer
}

// AnswerRevision is one line of an answer's history.
type AnswerRevision struct {
	Version  int
	Value    string
	SavedBy  int64
	SavedAt  time.Time
	Accepted bool // false: a stale save that was refused and kept
}

// Submission is one validated copy of an application's answers.
type Submission struct {
	ID            int64
	ApplicationID int64
	Number        int
	SubmittedBy   int64
	SubmittedAt   time.Time
	Digest        string // SHA-256 of the canonical answers
	Answers       []byte // the canonical JSON of the answers
}

// Attachment is a file joined to an answer, stored under the data
// directory.
type Attachment struct {
	ID            int64
	ApplicationID int64
	Question      string
	Name          string
	ContentType   string
	Size          int64
	SHA256        string
	Path          string // relative to the attachments root
	UploadedBy    int64
	UploadedAt    time.Time
}

// ApplicationMessage is a message between the secretariat and an
// applicant inside the application.
type ApplicationMessage struct {
	ID            int64
	ApplicationID int64
	AuthorID      int64
	AuthorEmail   string
	FromStaff     bool
	Body          string
	CreatedAt     time.Time
}

// Closed errors: the deadline is past, so the server refuses every write.
var ErrDeadlinePassed = &Error{Code: ECLOSED, Message: "La date limite est passée : la candidature ne peut plus être modifiée."}
