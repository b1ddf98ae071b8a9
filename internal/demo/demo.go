// Package demo fills an empty database with what a visitor needs to see tnl
// working: accounts of every role, the real historical palmarès, an edition
// open for applications, news and events, and applicants in the teams of
// real bodies.
package demo

import (
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tnl/internal/directory"
	"tnl/internal/domain"
	"tnl/internal/store"
)

// palmares is the list of laureates found in public sources since 2016, one
// row per year and body, with the address of each source. It is partial:
// admins complete it.
//
//go:embed tnl-palmares.csv
var palmares string

// Account is a demo account to print for the person who started the demo.
type Account struct {
	Email string
	Role  domain.Role
}

// Accounts lists the demo accounts, in the order they are printed.
func Accounts() []Account {
	out := []Account{{"admin@example.org", domain.RoleAdmin}}
	for i := 1; i <= 4; i++ {
		out = append(out, Account{fmt.Sprintf("jure%d@example.org", i), domain.RoleJury})
	}
	for i := 1; i <= 4; i++ {
		out = append(out, Account{fmt.Sprintf("candidat%d@example.org", i), domain.RoleApplicant})
	}
	return out
}

// Load writes the demo data. The database must hold no account: the demo
// never mixes with real data.
func Load(ctx context.Context, db *store.DB, password string, now time.Time) error {
	n, err := db.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("the database already holds %d accounts; the demo loads only into an empty database", n)
	}
	if err := directory.Ensure(ctx, db); err != nil {
		return err
	}
	hash := domain.HashPassword(password)
	verified := now.UTC()
	for _, a := range Accounts() {
		u := &domain.User{Email: a.Email, PasswordHash: hash, Role: a.Role, EmailVerifiedAt: &verified}
		if err := db.CreateUser(ctx, u, domain.Actor{Label: "demo"}); err != nil {
			return err
		}
	}
	if err := LoadPalmares(ctx, db); err != nil {
		return err
	}
	if err := loadTeams(ctx, db); err != nil {
		return err
	}
	if err := loadEditions(ctx, db, now); err != nil {
		return err
	}
	if err := loadApplications(ctx, db, now); err != nil {
		return err
	}
	if err := loadJury(ctx, db, now); err != nil {
		return err
	}
	if err := db.AddSoftware(ctx, "LibreOffice", "Firefox", "Thunderbird", "QGIS", "GIMP", "Inkscape",
		"Nextcloud", "openMairie", "Debian", "PostgreSQL", "Moodle", "Jitsi Meet"); err != nil {
		return err
	}
	if err := loadNews(ctx, db, now); err != nil {
		return err
	}
	return loadEvents(ctx, db, now)
}

// demoTeams are the applicants' bodies: Saint-Martin-d'Uriage has a
// responsable and a contributor limited to one section; candidat2 is the élu
// référent of Grenoble and waits for a decision on the métropole.
var demoTeams = []struct {
	email, body string
	role        domain.MemberRole
	sections    []string
	message     string
	pending     bool
}{
	{"candidat1@example.org", "213804222", domain.RoleResponsable, nil, "Responsable du numérique, 04 76 00 00 01", false},
	{"candidat3@example.org", "213804222", domain.RoleContributor, []string{"logiciels"}, "Administrateur systèmes", false},
	{"candidat2@example.org", "213801855", domain.RoleElu, nil, "Adjointe au numérique", false},
	{"candidat2@example.org", "200040715", domain.RoleContributor, nil, "Vice-présidente chargée du numérique, 04 76 00 00 02", true},
	{"candidat4@example.org", bodyEchirolles, domain.RoleElu, nil, "Conseiller municipal délégué au numérique", false},
}

// loadTeams writes the demo teams through the same store calls as the
// site, so that the audit log shows each claim and decision.
func loadTeams(ctx context.Context, db *store.DB) error {
	by := domain.Actor{Label: "demo"}
	for _, d := range demoTeams {
		u, err := db.FindUserByEmail(ctx, d.email)
		if err != nil {
			return err
		}
		b, err := db.FindBodyByKey(ctx, d.body)
		if err != nil {
			return fmt.Errorf("demo team of %s: %w", d.body, err)
		}
		m := &domain.Member{BodyID: b.ID, UserID: u.ID, Role: d.role, Message: d.message}
		if err := db.Claim(ctx, m, by, nil); err != nil {
			return err
		}
		if d.pending {
			continue
		}
		if _, err := db.DecideClaim(ctx, m.ID, true, "", by, nil); err != nil {
			return err
		}
		if len(d.sections) > 0 {
			if _, err := db.SetMemberRole(ctx, m.ID, d.role, d.sections, by, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadPalmares imports the historical laureates: one edition per year, one
// award per row, each linked to its directory body when the match is
// unambiguous (name, kind and département), else to a body of its own that
// an admin links by hand.
func LoadPalmares(ctx context.Context, db *store.DB) error {
	rows, err := csv.NewReader(strings.NewReader(palmares)).ReadAll()
	if err != nil {
		return fmt.Errorf("reading the palmarès: %w", err)
	}
	if err := directory.Ensure(ctx, db); err != nil {
		return err
	}
	dir, err := directory.Load()
	if err != nil {
		return err
	}
	seen := map[int]bool{}
	for i, row := range rows[1:] {
		a, err := parseAward(row)
		if err != nil {
			return fmt.Errorf("palmarès line %d: %w", i+2, err)
		}
		if !seen[a.Year] {
			seen[a.Year] = true
			if err := db.SaveEdition(ctx, &domain.Edition{Year: a.Year, Title: fmt.Sprintf("Édition %d", a.Year)}); err != nil {
				return err
			}
		}
		if err := linkLaureate(ctx, db, dir, a); err != nil {
			return fmt.Errorf("palmarès line %d: %w", i+2, err)
		}
		if err := db.AddAward(ctx, a); err != nil {
			return fmt.Errorf("palmarès line %d: %w", i+2, err)
		}
	}
	return nil
}

// linkLaureate sets the body of a historical award.
func linkLaureate(ctx context.Context, db *store.DB, dir *directory.Directory, a *domain.Award) error {
	if match := dir.MatchHistorical(a.Body.Name, a.Body.Kind, a.Body.Departement); match != nil {
		b, err := db.FindBodyByKey(ctx, match.Key())
		if err != nil {
			return err
		}
		a.Body = *b
		return nil
	}
	a.Body.SearchName = directory.Normalize(a.Body.Name)
	return db.AddHistoricalBody(ctx, &a.Body)
}

// parseAward reads one row: year,name,kind,departement,award,mentions,first_time,source_url.
func parseAward(row []string) (*domain.Award, error) {
	if len(row) != 8 {
		return nil, fmt.Errorf("%d fields, want 8", len(row))
	}
	year, err := strconv.Atoi(row[0])
	if err != nil {
		return nil, fmt.Errorf("year %q: %w", row[0], err)
	}
	a := &domain.Award{
		Year: year, Body: domain.Body{Name: row[1], Kind: row[2], Departement: row[3]},
		Track: "label", Award: row[4], SourceURL: row[7],
	}
	if a.Award == "badge" {
		a.Track = "badge"
	}
	if row[5] != "" {
		a.Mentions = strings.Split(row[5], ";")
	}
	switch row[6] {
	case "yes", "no":
		first := row[6] == "yes"
		a.FirstTime = &first
	}
	return a, nil
}

func loadNews(ctx context.Context, db *store.DB, now time.Time) error {
	year := now.Year()
	items := []domain.News{
		{Slug: fmt.Sprintf("candidatures-%d-ouvertes", year), Title: fmt.Sprintf("Les candidatures %d sont ouvertes", year),
			Summary:     "Communes, intercommunalités, départements, régions et syndicats peuvent candidater au label jusqu'à la date limite indiquée en page d'accueil.",
			Body:        "La candidature est gratuite et ne demande aucune adhésion.\n\nLe questionnaire couvre cinq domaines : stratégie et mutualisation ; interopérabilité, accessibilité et bonnes pratiques ; logiciels et systèmes libres ; communication et écosystème ; ouverture des données publiques.\n\nCréez un compte, rattachez-le à votre collectivité et préparez vos réponses à plusieurs : le brouillon reste modifiable jusqu'à la date limite.",
			PublishedAt: now.AddDate(0, 0, -40)},
		{Slug: "palmares-2025", Title: "Palmarès 2025 : le label et le badge",
			Summary:     "L'édition 2025 a inauguré deux parcours : un badge pour les petites collectivités et le label en trois niveaux, Bronze, Argent et Or.",
			Body:        "Le badge, obtenu à partir d'un questionnaire simplifié de dix questions, permet aux petites collectivités de signaler leur engagement.\n\nLe label est désormais décerné en trois niveaux : Bronze, Argent et Or. Des mentions spéciales distinguent aussi la meilleure première candidature, la mutualisation, la sobriété numérique, la promotion et la sensibilisation.",
			PublishedAt: now.AddDate(0, 0, -300)},
		{Slug: "dix-ans-du-label", Title: "Dix éditions du label",
			Summary:     "Depuis 2016, près de quatre-vingts collectivités ont été labellisées, de villages de quelques centaines d'habitants à de grandes métropoles.",
			Body:        "Le label est millésimé et renouvelable : beaucoup de lauréats candidatent chaque année, et suivre leurs progrès d'une édition à l'autre fait partie de son intérêt.\n\nLe palmarès de chaque édition est consultable sur ce site.",
			PublishedAt: now.AddDate(0, 0, -10)},
	}
	for i := range items {
		if err := db.CreateNews(ctx, &items[i]); err != nil {
			return err
		}
	}
	return nil
}

func loadEvents(ctx context.Context, db *store.DB, now time.Time) error {
	paris, _ := time.LoadLocation("Europe/Paris")
	at := func(days, hour int) time.Time {
		d := now.In(paris).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, paris)
	}
	items := []domain.Event{
		{Title: "Webinaire : préparer sa candidature au label", StartsAt: at(7, 11), EndsAt: at(7, 12),
			OnlineURL: "https://visio.example.org/tnl-candidature", Description: "Une heure pour parcourir le questionnaire et poser vos questions à l'équipe du label."},
		{Title: "Atelier : publier ses données ouvertes", StartsAt: at(14, 14), EndsAt: at(14, 17),
			Place: "Montpellier", Description: "Atelier pratique pour les agents chargés de l'ouverture des données."},
		{Title: "Cérémonie de remise du label", StartsAt: at(51, 17), EndsAt: at(51, 19),
			Place: "Paris", Description: "Annonce des résultats et remise des trophées."},
	}
	for i := range items {
		if err := db.CreateEvent(ctx, &items[i]); err != nil {
			return err
		}
	}
	return nil
}
