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

		// The jury: its administration (phase, settings, members) and the juror's home.
		// @routes:jury-admin
		{"GET", "/admin/jury/{year}", adminOnly, s.adminJury},
		{"POST", "/admin/jury/{year}/phase", adminOnly, s.adminJuryPhase},
		{"POST", "/admin/jury/{year}/reglages", adminOnly, s.adminJurySettingsUpdate},
		{"POST", "/admin/jury/{year}/membres", adminOnly, s.adminJuryMemberAdd},
		{"GET", "/admin/jury/{year}/membres/{id}", adminOnly, s.adminJuryMember},
		{"POST", "/admin/jury/{year}/membres/{id}", adminOnly, s.adminJuryMemberUpdate},
		{"POST", "/admin/jury/{year}/membres/{id}/retirer", adminOnly, s.adminJuryMemberRemove},
		{"GET", "/jury", signedIn, s.juryHome},
		{"GET", "/jury/{year}", signedIn, s.juryEdition},

		// The jury: assignment of files (proposal, edits, release) and each juror's list of files.
		// @routes:jury-assign
		{"GET", "/admin/jury/{year}/attributions", adminOnly, s.adminAssignments},
		{"POST", "/admin/jury/{year}/attributions/proposer", adminOnly, s.adminAssignmentsPropose},
		{"POST", "/admin/jury/{year}/attributions/modifier", adminOnly, s.adminAssignmentsEdit},
		{"POST", "/admin/jury/{year}/attributions/publier", adminOnly, s.adminAssignmentsRelease},
		{"GET", "/jury/{year}/attributions", signedIn, s.juryAssignments},
		{"GET", "/jury/{year}/dossiers", signedIn, s.juryFiles},

		// The jury: conflicts of interest (register, suggestions, declarations, attestation, affiliations).
		// @routes:jury-conflicts
		{"GET", "/admin/jury/{year}/conflits", adminOnly, s.adminConflicts},
		{"POST", "/admin/jury/{year}/conflits/suggestions", adminOnly, s.adminConflictsSuggest},
		{"POST", "/admin/jury/{year}/conflits/decision/{id}", adminOnly, s.adminConflictDecide},
		{"GET", "/admin/jury/{year}/conflits/jures/{user}", adminOnly, s.adminAffiliations},
		{"POST", "/admin/jury/{year}/conflits/jures/{user}", adminOnly, s.adminAffiliationCreate},
		{"POST", "/admin/jury/{year}/conflits/jures/{user}/retirer", adminOnly, s.adminAffiliationRemove},
		{"GET", "/jury/{year}/conflits", signedIn, s.juryConflicts},
		{"POST", "/jury/{year}/conflits", signedIn, s.juryConflictDeclare},
		{"POST", "/jury/{year}/conflits/attestation", signedIn, s.juryConflictsAttest},
		{"GET", "/jury/affiliations", signedIn, s.affiliationsShow},
		{"POST", "/jury/affiliations", signedIn, s.affiliationCreate},
		{"POST", "/jury/affiliations/retirer", signedIn, s.affiliationRemove},
		{"GET", "/candidatures/{id}/conflits", signedIn, s.applicationConflicts},
		{"POST", "/candidatures/{id}/conflits", signedIn, s.applicationConflictDeclare},

		// The jury: the review form of one file, and the files attached to its answers.
		// @routes:jury-review
		{"GET", "/jury/{year}/dossiers/{id}", signedIn, s.juryReviewShow},
		{"POST", "/jury/{year}/dossiers/{id}", signedIn, s.juryReviewSave},
		{"GET", "/jury/{year}/dossiers/{id}/fichiers/{att}", signedIn, s.juryAttachmentShow},

		// The jury: exports of reviews, aggregates, conflicts and assignments (secretariat; president via the policy).
		// @routes:jury-exports
		{"GET", "/admin/jury/{year}/exports", adminOnly, s.juryExports},
		{"GET", "/admin/jury/{year}/exports/{file}", adminOnly, s.juryExport},
		{"GET", "/jury/{year}/exports", signedIn, s.juryExports},
		{"GET", "/jury/{year}/exports/{file}", signedIn, s.juryExport},

		// The jury: the dashboard of aggregates and jurors' statistics, reminders to late jurors, each file's discussion.
		// @routes:jury-dashboard
		{"GET", "/jury/{year}/tableau", signedIn, s.juryDashboard},
		{"POST", "/admin/jury/{year}/rappels", adminOnly, s.juryRemind},
		{"GET", "/jury/{year}/dossiers/{id}/discussion", signedIn, s.juryDiscussion},
		{"POST", "/jury/{year}/dossiers/{id}/discussion", signedIn, s.juryCommentCreate},

		// The jury: the deliberation meeting (agenda, live tracker, votes, decisions); the agenda is the secretariat's and the president's.
		// @routes:jury-meeting
		{"GET", "/jury/{year}/seance", signedIn, s.meetingShow},
		{"GET", "/jury/{year}/seance/evenements", signedIn, s.meetingEvents},
		{"POST", "/jury/{year}/seance/ouvrir", signedIn, s.meetingStart},
		{"POST", "/jury/{year}/seance/point", signedIn, s.meetingItem},
		{"POST", "/jury/{year}/seance/rouvrir", signedIn, s.meetingReopen},
		{"POST", "/jury/{year}/seance/presences", signedIn, s.meetingAttendance},
		{"POST", "/jury/{year}/seance/vote", signedIn, s.meetingVote},
		{"POST", "/jury/{year}/seance/confirmation", signedIn, s.meetingConfirm},
		{"POST", "/jury/{year}/seance/autre-niveau", signedIn, s.meetingPropose},
		{"POST", "/jury/{year}/seance/decision", signedIn, s.meetingDecide},
		{"POST", "/jury/{year}/seance/mention", signedIn, s.meetingMentionVote},
		{"POST", "/jury/{year}/seance/mention/attribuer", signedIn, s.meetingMentionAward},
		{"GET", "/admin/jury/{year}/ordre-du-jour", signedIn, s.agendaShow},
		{"POST", "/admin/jury/{year}/ordre-du-jour/construire", signedIn, s.agendaBuild},
		{"POST", "/admin/jury/{year}/ordre-du-jour/deplacer", signedIn, s.agendaMove},
		{"POST", "/admin/jury/{year}/ordre-du-jour/retirer", signedIn, s.agendaRemove},
		{"POST", "/admin/jury/{year}/ordre-du-jour/ajouter", signedIn, s.agendaAdd},

		// The jury: the minutes (procès-verbal), the sealing of decisions and its reopening, the feedback letters.
		// @routes:jury-seal
		{"GET", "/jury/{year}/proces-verbal", signedIn, s.juryMinutes},
		{"GET", "/jury/{year}/proces-verbal.json", signedIn, s.juryMinutesJSON},
		{"POST", "/jury/{year}/proces-verbal/valider", signedIn, s.juryMinutesValidate},
		{"GET", "/jury/{year}/scellement", signedIn, s.jurySeal},
		{"POST", "/jury/{year}/scellement", signedIn, s.jurySealCreate},
		{"GET", "/jury/{year}/scellement/{id}/contenu.json", signedIn, s.jurySealContent},
		{"POST", "/jury/{year}/scellement/reouverture", signedIn, s.juryReopenRequest},
		{"POST", "/jury/{year}/scellement/reouverture/confirmer", signedIn, s.juryReopenConfirm},
		{"POST", "/jury/{year}/scellement/reouverture/annuler", signedIn, s.juryReopenCancel},
		{"GET", "/jury/{year}/lettres", signedIn, s.juryLetters},
		{"GET", "/jury/{year}/dossiers/{id}/lettre", signedIn, s.juryLetter},
		{"POST", "/jury/{year}/dossiers/{id}/lettre", signedIn, s.juryLetterSave},
		{"POST", "/jury/{year}/dossiers/{id}/lettre/approuver", signedIn, s.juryLetterApprove},
		// @routes:minutes-pdf
		{"GET", "/jury/{year}/proces-verbal.pdf", signedIn, s.juryMinutesPDF},
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
