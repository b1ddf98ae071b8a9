package form

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Problem is one fault in a questionnaire definition, found by Check or by
// Decode, in words an organiser can act on.
type Problem struct {
	Path    string // where, as "sections[2].questions[4].options"; empty for the whole file
	Message string // what is wrong, in French
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + " : " + p.Message
}

var (
	idPattern   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	codePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)
)

// columnTypes are the types a table column may have.
var columnTypes = []Type{ShortText, Integer, Percentage, URL, Date, YesNo}

// Check reports what makes qn unusable or ambiguous: missing or duplicate
// identifiers, choices without options, conditions that point nowhere or
// forward, inconsistent bounds and scoring, adjustments naming unknown
// sections, empty French labels. It repeats the checks of schema.json so
// that a questionnaire built in the builder is held to the same rules as an
// imported file. An empty result means the questionnaire can be used.
func (qn *Questionnaire) Check() []Problem {
	c := &checker{questions: map[string]questionPlace{}, sections: map[string]string{}}
	c.index(qn)
	if !codePattern.MatchString(qn.Track) {
		c.add("track", "Le parcours « %s » ne convient pas : un code en lettres minuscules sans accent, chiffres ou « - » est attendu (par exemple « label » ou « badge »).", qn.Track)
	}
	c.label("title", qn.Title)
	if len(qn.Sections) == 0 {
		c.add("sections", "Le questionnaire doit contenir au moins une section.")
	}
	order := 0
	for i := range qn.Sections {
		c.section(fmt.Sprintf("sections[%d]", i), &qn.Sections[i], order)
		order += len(qn.Sections[i].Questions)
	}
	for i, a := range qn.Adjustments {
		c.adjustment(fmt.Sprintf("adjustments[%d]", i), a)
	}
	return c.problems
}

// questionPlace is where a question sits in form order.
type questionPlace struct {
	order int
	path  string
	q     *Question
}

type checker struct {
	problems  []Problem
	questions map[string]questionPlace // first question with each id
	sections  map[string]string        // path of the first section with each id
}

func (c *checker) add(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// index records every section and question id in form order, reporting
// duplicates as it goes.
func (c *checker) index(qn *Questionnaire) {
	order := 0
	for i := range qn.Sections {
		s := &qn.Sections[i]
		spath := fmt.Sprintf("sections[%d]", i)
		if first, dup := c.sections[s.ID]; dup && s.ID != "" {
			c.add(spath+".id", "L'identifiant de section « %s » est déjà utilisé (%s) : chaque section doit avoir le sien.", s.ID, first)
		} else {
			c.sections[s.ID] = spath
		}
		for j := range s.Questions {
			q := &s.Questions[j]
			qpath := fmt.Sprintf("%s.questions[%d]", spath, j)
			if first, dup := c.questions[q.ID]; dup && q.ID != "" {
				c.add(qpath+".id", "L'identifiant de question « %s » est déjà utilisé (%s) : chaque question du questionnaire doit avoir le sien.", q.ID, first.path)
			} else {
				c.questions[q.ID] = questionPlace{order: order, path: qpath, q: q}
			}
			order++
		}
	}
}

// label requires a non-empty French text.
func (c *checker) label(path string, t Text) {
	if strings.TrimSpace(t.FR) == "" {
		c.add(path+".fr", "Le texte en français est obligatoire.")
	}
}

// optionalText accepts an empty text, but not an English one alone.
func (c *checker) optionalText(path string, t Text) {
	if strings.TrimSpace(t.FR) == "" && strings.TrimSpace(t.EN) != "" {
		c.add(path+".fr", "Ce texte a une version anglaise mais pas de version française.")
	}
}

func (c *checker) id(path, id, what string) {
	if !idPattern.MatchString(id) {
		c.add(path, "L'identifiant %s « %s » ne convient pas : il commence par une lettre minuscule, suivie de lettres minuscules sans accent, de chiffres ou de « _ » (63 caractères au plus).", what, id)
	}
}

// number refuses NaN and infinities, and negative values when nonNegative.
func (c *checker) number(path string, v float64, nonNegative bool, what string) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		c.add(path, "%s n'est pas un nombre valide.", what)
	case nonNegative && v < 0:
		c.add(path, "%s ne peut pas être négatif (%s).", what, num(v))
	}
}

// section checks a section whose first question has form order first.
func (c *checker) section(path string, s *Section, first int) {
	c.id(path+".id", s.ID, "de section")
	c.label(path+".title", s.Title)
	c.optionalText(path+".intro", s.Intro)
	c.number(path+".cap", s.Cap, true, "Le plafond de la section")
	if s.ShowIf != nil {
		c.condition(path+".showIf", s.ShowIf, first, "")
	}
	if len(s.Questions) == 0 {
		c.add(path+".questions", "La section « %s » doit contenir au moins une question.", s.Title.FR)
	}
	for j := range s.Questions {
		c.question(fmt.Sprintf("%s.questions[%d]", path, j), &s.Questions[j], first+j)
	}
}

// condition checks cond, which may only refer to a question placed before
// form order limit; self is the id of the question that carries it.
func (c *checker) condition(path string, cond *Condition, limit int, self string) {
	target, ok := c.questions[cond.Question]
	switch {
	case cond.Question == "":
		c.add(path+".question", "Indiquez la question dont dépend l'affichage.")
		return
	case cond.Question == self:
		c.add(path+".question", "Une question ne peut pas dépendre de sa propre réponse.")
		return
	case !ok:
		c.add(path+".question", "La condition renvoie à la question « %s », qui n'existe pas.", cond.Question)
		return
	case target.order >= limit:
		c.add(path+".question", "La condition renvoie à la question « %s » (%s), qui vient plus loin dans le questionnaire : une condition ne peut porter que sur une question posée avant.", cond.Question, target.path)
		return
	}
	if len(cond.Values) == 0 {
		c.add(path+".values", "Indiquez au moins une réponse qui déclenche l'affichage.")
	}
	allowed, ok := conditionValues(target.q)
	if !ok {
		c.add(path+".question", "La condition porte sur « %s », une question de type « %s » : seules les questions oui/non et à choix peuvent servir de condition.", cond.Question, target.q.Type)
		return
	}
	for k, v := range cond.Values {
		if !slices.Contains(allowed, v) {
			c.add(fmt.Sprintf("%s.values[%d]", path, k), "« %s » n'est pas une réponse possible à la question « %s » (réponses possibles : %s).", v, cond.Question, strings.Join(allowed, ", "))
		}
	}
}

// conditionValues lists the answers a condition on q may name; ok is false
// for a question that cannot serve as a condition.
func conditionValues(q *Question) (values []string, ok bool) {
	switch q.Type {
	case YesNo:
		return []string{"yes", "no"}, true
	case Single, Multiple:
		for _, o := range q.Options {
			values = append(values, o.Value)
		}
		return values, true
	}
	return nil, false
}

// question checks one question at form order pos.
func (c *checker) question(path string, q *Question, pos int) {
	c.id(path+".id", q.ID, "de question")
	if !slices.Contains(Types, q.Type) {
		c.add(path+".type", "Type de question « %s » inconnu ; types possibles : %s.", q.Type, typeList(Types))
	}
	c.label(path+".label", q.Label)
	c.optionalText(path+".help", q.Help)
	if q.ShowIf != nil {
		c.condition(path+".showIf", q.ShowIf, pos, q.ID)
	}
	c.options(path, q)
	c.columns(path, q)
	c.bounds(path, q)
	if q.Scoring != nil {
		c.scoring(path+".scoring", q)
	}
}

func (c *checker) options(path string, q *Question) {
	choice := q.Type == Single || q.Type == Multiple
	switch {
	case choice && len(q.Options) < 2:
		c.add(path+".options", "Une question à choix doit proposer au moins deux options.")
	case !choice && len(q.Options) > 0:
		c.add(path+".options", "Seules les questions à choix unique ou multiple ont des options : supprimez-les ou changez le type de la question.")
	}
	seen := map[string]bool{}
	for k, o := range q.Options {
		opath := fmt.Sprintf("%s.options[%d]", path, k)
		c.id(opath+".value", o.Value, "d'option")
		if seen[o.Value] {
			c.add(opath+".value", "La valeur « %s » est déjà celle d'une autre option de cette question.", o.Value)
		}
		seen[o.Value] = true
		c.label(opath+".label", o.Label)
		c.number(opath+".points", o.Points, false, "Le nombre de points")
	}
}

func (c *checker) columns(path string, q *Question) {
	switch {
	case q.Type == Table && len(q.Columns) == 0:
		c.add(path+".columns", "Un tableau doit avoir au moins une colonne.")
	case q.Type != Table && len(q.Columns) > 0:
		c.add(path+".columns", "Seules les questions de type tableau ont des colonnes : supprimez-les ou changez le type de la question.")
	}
	seen := map[string]bool{}
	for k, col := range q.Columns {
		cpath := fmt.Sprintf("%s.columns[%d]", path, k)
		c.id(cpath+".id", col.ID, "de colonne")
		if seen[col.ID] {
			c.add(cpath+".id", "L'identifiant « %s » est déjà celui d'une autre colonne de ce tableau.", col.ID)
		}
		seen[col.ID] = true
		c.label(cpath+".label", col.Label)
		if !slices.Contains(columnTypes, col.Type) {
			c.add(cpath+".type", "Type de colonne « %s » inconnu ; types possibles : %s.", col.Type, typeList(columnTypes))
		}
	}
}

// bounds checks Min, Max and MaxLength against the question's type.
func (c *checker) bounds(path string, q *Question) {
	numeric := q.Type == Integer || q.Type == Percentage
	if (q.Min != nil || q.Max != nil) && !numeric {
		c.add(path+".min", "Les bornes minimum et maximum ne servent qu'aux nombres et aux pourcentages.")
	}
	for _, b := range []struct {
		name string
		v    *float64
	}{{"min", q.Min}, {"max", q.Max}} {
		if b.v == nil {
			continue
		}
		c.number(path+"."+b.name, *b.v, false, "La borne")
		if q.Type == Percentage && (*b.v < 0 || *b.v > 100) {
			c.add(path+"."+b.name, "Un pourcentage est compris entre 0 et 100 (borne : %s).", num(*b.v))
		}
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		c.add(path+".min", "Le minimum (%s) dépasse le maximum (%s).", num(*q.Min), num(*q.Max))
	}
	textual := q.Type == ShortText || q.Type == LongText || q.Type == URL
	switch {
	case q.MaxLength < 0:
		c.add(path+".maxLength", "La longueur maximale ne peut pas être négative.")
	case q.MaxLength > 0 && !textual:
		c.add(path+".maxLength", "La longueur maximale ne sert qu'aux réponses texte et aux adresses web.")
	}
}

// scoring checks a question's barème against its type.
func (c *checker) scoring(path string, q *Question) {
	s := q.Scoring
	c.number(path+".max", s.Max, true, "Le plafond de points de la question")
	c.number(path+".yes", s.Yes, false, "Le nombre de points")
	c.number(path+".answered", s.Answered, false, "Le nombre de points")
	if s.Yes != 0 && q.Type != YesNo {
		c.add(path+".yes", "Des points pour « oui » ne s'appliquent qu'à une question oui/non.")
	}
	banded := q.Type == Integer || q.Type == Percentage || q.Type == Table || q.Type == Software
	if len(s.Bands) > 0 && !banded {
		c.add(path+".bands", "Les paliers ne s'appliquent qu'aux nombres, pourcentages, tableaux et listes de logiciels.")
	}
	for k, b := range s.Bands {
		bpath := fmt.Sprintf("%s.bands[%d]", path, k)
		c.number(bpath+".min", b.Min, false, "Le seuil du palier")
		c.number(bpath+".points", b.Points, false, "Le nombre de points")
		if k > 0 && b.Min <= s.Bands[k-1].Min {
			c.add(bpath+".min", "Les paliers doivent être rangés par seuil croissant : %s vient après %s.", num(b.Min), num(s.Bands[k-1].Min))
		}
	}
}

func (c *checker) adjustment(path string, a Adjustment) {
	if a.Section != "" {
		if _, ok := c.sections[a.Section]; !ok {
			c.add(path+".section", "L'ajustement vise la section « %s », qui n'existe pas.", a.Section)
		}
	}
	c.number(path+".factor", a.Factor, false, "Le coefficient")
	if a.Factor <= 0 {
		c.add(path+".factor", "Le coefficient doit être strictement positif (%s) : 1 ne change rien, 1,25 ajoute un quart des points.", num(a.Factor))
	}
	if a.MinPopulation < 0 {
		c.add(path+".minPopulation", "La population minimale ne peut pas être négative.")
	}
	if a.MaxPopulation < 0 {
		c.add(path+".maxPopulation", "La population maximale ne peut pas être négative.")
	}
	if a.MinPopulation > 0 && a.MaxPopulation > 0 && a.MinPopulation > a.MaxPopulation {
		c.add(path+".minPopulation", "La population minimale (%d) dépasse la population maximale (%d).", a.MinPopulation, a.MaxPopulation)
	}
	for k, kind := range a.Kinds {
		if !codePattern.MatchString(kind) {
			c.add(fmt.Sprintf("%s.kinds[%d]", path, k), "Le type d'organisme « %s » ne convient pas : un code en lettres minuscules sans accent (commune, syndicat…) est attendu.", kind)
		}
	}
}

func typeList(types []Type) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// num writes a number without useless decimals.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
