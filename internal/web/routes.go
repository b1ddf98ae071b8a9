package web

import (
	"net/http"
	"net/url"
	"strings"

	"tnl/internal/domain"
)

// access says who may use a route.
type access int

const (
	public       access = iota // everyone
	cachedPublic               // everyone; anonymous visitors may get a copy up to a second old
	signedIn                   // any active account
	adminOnly                  // the organiser's staff
)

// route is one line of the site map.
type route struct {
	method, pattern string
	access          access
	handler         http.HandlerFunc
}

// routes is the whole site map, grouped by who may use it. Tests walk this
// table, so a route added here is checked for headers and access rules.
func (s *Server) routes() []route {
	return []route{
		// Public site.
		{"GET", "/{$}", cachedPublic, s.home},
		{"GET", "/actualites/{slug}", cachedPublic, s.newsShow},
		{"GET", "/palmares", cachedPublic, s.palmaresIndex},
		{"GET", "/palmares/{year}", cachedPublic, s.palmaresShow},
		{"GET", "/mentions-legales", cachedPublic, s.staticPage("legal")},
		{"GET", "/confidentialite", cachedPublic, s.staticPage("privacy")},
		{"GET", "/accessibilite", cachedPublic, s.staticPage("accessibility")},
		{"GET", "/credits", cachedPublic, s.credits},
		{"POST", "/langue", public, s.languageUpdate},
		{"GET", "/static/{file}", public, s.static},
		{"GET", "/healthz", public, s.healthz},

		// The directory of bodies and their teams.
		{"GET", "/organismes", cachedPublic, s.bodySearch},
		{"GET", "/api/v1/bodies", cachedPublic, s.bodySearchAPI},
		{"GET", "/organismes/demander", signedIn, s.bodyRequestShow},
		{"POST", "/organismes/demander", signedIn, s.bodyRequestCreate},
		{"GET", "/organismes/{key}", cachedPublic, s.bodyShow},
		{"GET", "/organismes/{key}/rejoindre", signedIn, s.claimShow},
		{"POST", "/organismes/{key}/rejoindre", signedIn, s.claimCreate},
		{"GET", "/organismes/{key}/equipe", signedIn, s.teamShow},
		{"POST", "/organismes/{key}/equipe/inviter", signedIn, s.teamInvite},
		{"POST", "/organismes/{key}/equipe/demandes/{id}/approuver", signedIn, s.teamClaimApprove},
		{"POST", "/organismes/{key}/equipe/demandes/{id}/refuser", signedIn, s.teamClaimRefuse},
		{"POST", "/organismes/{key}/equipe/membres/{id}/role", signedIn, s.teamMemberRole},
		{"POST", "/organismes/{key}/equipe/membres/{id}/retirer", signedIn, s.teamMemberRemove},
		{"GET", "/mes-organismes", signedIn, s.myBodies},
		{"GET", "/invitation", public, s.invitationShow},
		{"POST", "/invitation", signedIn, s.invitationAccept},

		// Applications: the applicant's form (form pages, saving, files).
		// @routes:form
		{"GET", "/candidatures/{id}/sections/{section}", signedIn, s.applicationSection},
		{"POST", "/candidatures/{id}/sections/{section}", signedIn, s.applicationSectionSave},
		{"POST", "/candidatures/{id}/reponses", signedIn, s.applicationAutosave},
		{"POST", "/candidatures/{id}/fichiers", signedIn, s.attachmentCreate},
		{"GET", "/candidatures/{id}/fichiers/{att}", signedIn, s.attachmentShow},

		// Applications: list, overview, continuity, submission, receipts.
		// @routes:applications
		{"GET", "/candidatures", signedIn, s.applicationsIndex},
		{"POST", "/candidatures", signedIn, s.applicationCreate},
		{"GET", "/candidatures/{id}", signedIn, s.applicationShow},
		{"GET", "/candidatures/{id}/changements", signedIn, s.applicationChanges},
		{"GET", "/candidatures/{id}/soumettre", signedIn, s.submitShow},
		{"POST", "/candidatures/{id}/soumettre", signedIn, s.submitCreate},
		{"GET", "/candidatures/{id}/recus/{n}", signedIn, s.receiptShow},
		{"GET", "/candidatures/{id}/recus/{n}/reponses.json", signedIn, s.receiptAnswers},

		// Applications: messages with the secretariat.
		// @routes:messages
		{"GET", "/candidatures/{id}/messages", signedIn, s.messagesShow},
		{"POST", "/candidatures/{id}/messages", signedIn, s.messageCreate},

		// Editions and questionnaires made public (question lists, schema).
		// @routes:editions-public
		{"GET", "/editions/{year}/{track}/questions", cachedPublic, s.questionList},
		{"GET", "/editions/{year}/{track}/questions.ods", cachedPublic, s.questionListODS},
		{"GET", "/schemas/questionnaire.json", cachedPublic, s.questionnaireSchema},

		// Accounts.
		{"GET", "/inscription", cachedPublic, s.signupShow},
		{"POST", "/inscription", public, s.signupCreate},
		{"GET", "/inscription/confirmer", public, s.verifyShow},
		{"POST", "/inscription/confirmer", public, s.verifyUpdate},
		{"GET", "/connexion", cachedPublic, s.loginShow},
		{"POST", "/connexion", public, s.loginCreate},
		{"GET", "/connexion/lien", cachedPublic, s.magicLinkShow},
		{"POST", "/connexion/lien", public, s.magicLinkCreate},
		{"GET", "/connexion/lien/utiliser", public, s.magicLoginShow},
		{"POST", "/connexion/lien/utiliser", public, s.magicLoginCreate},
		{"GET", "/mot-de-passe/oubli", cachedPublic, s.resetRequestShow},
		{"POST", "/mot-de-passe/oubli", public, s.resetRequestCreate},
		{"GET", "/mot-de-passe/nouveau", public, s.resetShow},
		{"POST", "/mot-de-passe/nouveau", public, s.resetUpdate},
		{"POST", "/deconnexion", signedIn, s.logout},
		{"GET", "/compte", signedIn, s.accountShow},

		// Administration.
		{"GET", "/admin", adminOnly, s.adminHome},
		{"GET", "/admin/utilisateurs", adminOnly, s.adminUsers},
		{"POST", "/admin/utilisateurs/{id}/role", adminOnly, s.adminUserRole},
		{"POST", "/admin/utilisateurs/{id}/desactiver", adminOnly, s.adminUserDeactivate},
		{"POST", "/admin/utilisateurs/{id}/reactiver", adminOnly, s.adminUserReactivate},
		{"GET", "/admin/courriels", adminOnly, s.adminOutbox},
		{"GET", "/admin/courriels/{id}", adminOnly, s.adminOutboxShow},
		{"GET", "/admin/journal", adminOnly, s.adminAudit},
		{"GET", "/admin/organismes", adminOnly, s.adminBodies},
		{"POST", "/admin/organismes/{id}/approuver", adminOnly, s.adminBodyApprove},
		{"POST", "/admin/organismes/{id}/refuser", adminOnly, s.adminBodyRefuse},
		{"GET", "/admin/organismes/{id}/modifier", adminOnly, s.adminBodyEdit},
		{"POST", "/admin/organismes/{id}/modifier", adminOnly, s.adminBodyUpdate},
		{"POST", "/admin/organismes/{id}/fusionner", adminOnly, s.adminBodyMerge},
		{"GET", "/admin/demandes", adminOnly, s.adminClaims},

		// Administration of editions and questionnaires.
		// @routes:editions-admin
		{"GET", "/admin/editions", adminOnly, s.adminEditions},
		{"GET", "/admin/editions/nouvelle", adminOnly, s.adminEditionNew},
		{"POST", "/admin/editions/nouvelle", adminOnly, s.adminEditionCreate},
		{"GET", "/admin/editions/{year}", adminOnly, s.adminEditionEdit},
		{"POST", "/admin/editions/{year}", adminOnly, s.adminEditionUpdate},
		{"POST", "/admin/editions/{year}/copier", adminOnly, s.adminEditionCopy},
		{"GET", "/admin/editions/{year}/{track}/questionnaire", adminOnly, s.builderShow},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/demarrer", adminOnly, s.builderStart},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/titre", adminOnly, s.builderTitle},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/ajustements", adminOnly, s.builderAdjustments},
		{"GET", "/admin/editions/{year}/{track}/questionnaire/nouvelle-section", adminOnly, s.builderSectionNew},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/nouvelle-section", adminOnly, s.builderSectionCreate},
		{"GET", "/admin/editions/{year}/{track}/questionnaire/sections/{section}", adminOnly, s.builderSectionEdit},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/sections/{section}", adminOnly, s.builderSectionUpdate},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/sections/{section}/deplacer", adminOnly, s.builderSectionMove},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/sections/{section}/supprimer", adminOnly, s.builderSectionDelete},
		{"GET", "/admin/editions/{year}/{track}/questionnaire/sections/{section}/nouvelle-question", adminOnly, s.builderQuestionNew},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/sections/{section}/nouvelle-question", adminOnly, s.builderQuestionCreate},
		{"GET", "/admin/editions/{year}/{track}/questionnaire/questions/{question}", adminOnly, s.builderQuestionEdit},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/questions/{question}", adminOnly, s.builderQuestionUpdate},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/questions/{question}/deplacer", adminOnly, s.builderQuestionMove},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/questions/{question}/supprimer", adminOnly, s.builderQuestionDelete},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/deplacer-candidatures", adminOnly, s.builderMoveApplications},
		{"GET", "/admin/editions/{year}/{track}/questionnaire/apercu", adminOnly, s.questionnairePreview},
		{"GET", "/admin/editions/{year}/{track}/questionnaire.json", adminOnly, s.questionnaireExport},
		{"GET", "/admin/editions/{year}/{track}/questionnaire/importer", adminOnly, s.questionnaireImportShow},
		{"POST", "/admin/editions/{year}/{track}/questionnaire/importer", adminOnly, s.questionnaireImport},

		// Administration of applications: follow-up, reminders, corrections.
		// @routes:followup
		{"GET", "/admin/candidatures", adminOnly, s.adminApplications},
		{"GET", "/admin/candidatures/{id}", adminOnly, s.adminApplication},
		{"POST", "/admin/candidatures/{id}/messages", adminOnly, s.adminMessageCreate},
		{"POST", "/admin/candidatures/{id}/correction", adminOnly, s.adminApplicationCorrection},
		{"GET", "/admin/editions/{year}/rappels", adminOnly, s.adminReminders},
		{"POST", "/admin/editions/{year}/rappels", adminOnly, s.adminRemindersUpdate},
		{"POST", "/admin/editions/{year}/rappels/envoyer", adminOnly, s.adminRemindersSend},

		// Administration of applications: exports.
		// @routes:exports
		{"GET", "/admin/candidatures/export.csv", adminOnly, s.exportApplications(exportCSV)},
		{"GET", "/admin/candidatures/export.xlsx", adminOnly, s.exportApplications(exportXLSX)},
		{"GET", "/admin/candidatures/export.ods", adminOnly, s.exportApplications(exportODS)},
	}
}

// guard enforces a route's access rule before its handler runs: anonymous
// visitors are sent to the sign-in page, other roles get 403.
func (s *Server) guard(rt route) http.Handler {
	if rt.access == public || rt.access == cachedPublic {
		return rt.handler
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		if u == nil {
			to := "/connexion"
			if r.Method == http.MethodGet {
				to += "?suite=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		if rt.access == adminOnly && u.Role != domain.RoleAdmin {
			s.errorPage(w, r, http.StatusForbidden)
			return
		}
		rt.handler(w, r)
	})
}

// localPath keeps a "come back to" address only if it stays on this site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return ""
	}
	return p
}
