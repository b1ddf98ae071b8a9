package web

import (
	"context"
	"strings"

	"tnl/internal/domain"
	"tnl/internal/store"
)

// teamNews is what a mail about a body's team tells its reader.
type teamNews struct {
	Body     *domain.Body
	Person   string // the other person concerned: claimant, inviter, decider
	Role     domain.MemberRole
	Sections []string
	Reason   string
	Message  string
	Path     string // the page the mail links to
}

// teamMail renders one team mail in the language of its reader, so that
// the role is named in that language too.
func (s *Server) teamMail(to, lang, name string, n teamNews) (*domain.OutboxMail, error) {
	d := s.mailData(to, n.Path)
	d.Body, d.Person, d.Reason, d.Message = n.Body.Name, n.Person, n.Reason, n.Message
	if n.Role != "" {
		d.Role = s.roleWords(lang, n.Role, n.Sections)
	}
	return s.mail.Render(to, name, lang, d)
}

// mailToUser renders a team mail for an account, in its language.
func (s *Server) mailToUser(ctx context.Context, userID int64, name string, n teamNews) (*domain.OutboxMail, error) {
	u, err := s.db.FindUserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	return s.teamMail(u.Email, u.Lang, name, n)
}

// roleWords names a role, with a contributor's sections:
// "Contributeur (Logiciels et systèmes libres)".
func (s *Server) roleWords(lang string, role domain.MemberRole, sections []string) string {
	words := s.tr.T(lang, "team.role."+string(role))
	if role != domain.RoleContributor || len(sections) == 0 {
		return words
	}
	names := make([]string, len(sections))
	for i, k := range sections {
		names[i] = s.tr.T(lang, "section."+k)
	}
	return words + " (" + strings.Join(names, " ; ") + ")"
}

// claimReceivedMails tells a new claim to those who may decide it: the
// body's approved members and the active admins, once each.
func (s *Server) claimReceivedMails(ctx context.Context, body *domain.Body, claim *domain.Member) ([]*domain.OutboxMail, error) {
	team, err := s.db.Team(ctx, body.ID)
	if err != nil {
		return nil, err
	}
	admins, err := s.db.ListUsers(ctx, store.UserFilter{Role: domain.RoleAdmin})
	if err != nil {
		return nil, err
	}
	news := teamNews{Body: body, Person: claim.Email, Role: claim.Role, Message: claim.Message, Path: teamPath(body)}
	seen := map[int64]bool{claim.UserID: true}
	var mails []*domain.OutboxMail
	for _, m := range team {
		if m.Status != domain.MemberApproved || seen[m.UserID] {
			continue
		}
		seen[m.UserID] = true
		mail, err := s.mailToUser(ctx, m.UserID, "claim_received", news)
		if err != nil {
			return nil, err
		}
		mails = append(mails, mail)
	}
	for _, a := range admins {
		if !a.Active() || seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		mail, err := s.teamMail(a.Email, a.Lang, "claim_received", news)
		if err != nil {
			return nil, err
		}
		mails = append(mails, mail)
	}
	return mails, nil
}

// demotionMails warns the body's current responsable, other than the
// member about to become it, that the role passes to someone else: the
// store makes them a contributor in the same transaction.
func (s *Server) demotionMails(ctx context.Context, acc *teamAccess, newResponsable *domain.Member, by string) ([]*domain.OutboxMail, error) {
	team, err := s.db.Team(ctx, acc.Body.ID)
	if err != nil {
		return nil, err
	}
	var mails []*domain.OutboxMail
	for _, m := range team {
		if m.ID == newResponsable.ID || m.Status != domain.MemberApproved || m.Role != domain.RoleResponsable {
			continue
		}
		mail, err := s.mailToUser(ctx, m.UserID, "member_role",
			teamNews{Body: acc.Body, Person: by, Role: domain.RoleContributor, Path: teamPath(acc.Body)})
		if err != nil {
			return nil, err
		}
		mails = append(mails, mail)
	}
	return mails, nil
}
