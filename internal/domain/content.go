package domain

import "time"

// Award is what a body received in one edition and track. An empty Award
// means the sources confirm the label but not its level.
type Award struct {
	ID        int64
	Year      int
	Body      Body
	Track     string // label or badge
	Award     string // niveau-1…niveau-5, bronze, argent, or, badge, or ""
	Mentions  []string
	FirstTime *bool
	SourceURL string
}

// News is an article of the public site.
type News struct {
	ID          int64
	Slug        string
	Title       string
	Summary     string
	Body        string
	PublishedAt time.Time
}

// Event is an entry of the agenda.
type Event struct {
	ID          int64
	Title       string
	StartsAt    time.Time
	EndsAt      time.Time
	Place       string
	OnlineURL   string
	Description string
}
