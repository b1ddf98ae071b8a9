package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var localeFiles embed.FS

// languages lists the site's languages, French first: it is the default.
var languages = []language.Tag{language.French, language.English}

var languageMatcher = language.NewMatcher(languages)

// langCookie remembers the language a visitor chose with the switch. It is
// a preference, not a tracker, and needs no consent.
const langCookie = "lang"

// translator turns message ids into text in every supported language.
type translator struct {
	localizers map[string]*i18n.Localizer
	plain      sync.Map // lang + "\x00" + id → text of a message asked without arguments
}

func newTranslator() (*translator, error) {
	bundle := i18n.NewBundle(language.French)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	tr := &translator{localizers: map[string]*i18n.Localizer{}}
	for _, tag := range languages {
		base, _ := tag.Base()
		files, err := localeFilesOf(base.String())
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if _, err := bundle.LoadMessageFileFS(localeFiles, f); err != nil {
				return nil, err
			}
		}
		tr.localizers[base.String()] = i18n.NewLocalizer(bundle, base.String())
	}
	return tr, nil
}

// T returns the message id in lang, with args given as name/value pairs
// ("Name", "Alice"). A missing message shows its id, so that it is noticed
// (and TestMessagesComplete fails) rather than hidden.
func (tr *translator) T(lang, id string, args ...any) string {
	if len(args) == 0 {
		return tr.plainText(lang, id)
	}
	return tr.localize(lang, id, args)
}

// plainText keeps the text of each message asked without arguments: the
// same on every page, and a page asks for dozens of them (the layout's
// labels), each a template execution in go-i18n.
func (tr *translator) plainText(lang, id string) string {
	key := lang + "\x00" + id
	if s, ok := tr.plain.Load(key); ok {
		return s.(string)
	}
	s := tr.localize(lang, id, nil)
	tr.plain.Store(key, s)
	return s
}

func (tr *translator) localize(lang, id string, args []any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	if n, ok := data["Count"]; ok {
		cfg.PluralCount = n // messages with a count have one/other forms
	}
	cfg.TemplateData = data
	s, err := tr.localizers[lang].Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// requestLang picks the language of a request: the visitor's choice, then
// their browser's preference, then French.
func requestLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "fr" || c.Value == "en") {
		return c.Value
	}
	tag, _ := language.MatchStrings(languageMatcher, r.Header.Get("Accept-Language"))
	base, _ := tag.Base()
	if base.String() == "en" {
		return "en"
	}
	return "fr"
}

// parisTZ is the label's legal time zone: deadlines are at 23:59 Paris time.
var parisTZ = mustLoadLocation("Europe/Paris")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded in main, so this cannot happen
	}
	return loc
}

// formatDate writes a date the way people read it: "10 novembre 2026" or
// "10 November 2026", in Paris time.
func (tr *translator) formatDate(lang string, t time.Time) string {
	t = t.In(parisTZ)
	month := tr.T(lang, fmt.Sprintf("month.%d", int(t.Month())))
	if lang == "en" {
		return fmt.Sprintf("%d %s %d", t.Day(), month, t.Year())
	}
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, month, t.Year())
}

// formatDateTime adds the time of day: "10 novembre 2026 à 23 h 59".
func (tr *translator) formatDateTime(lang string, t time.Time) string {
	p := t.In(parisTZ)
	if lang == "en" {
		return fmt.Sprintf("%s at %s (Paris time)", tr.formatDate(lang, t), p.Format("15:04"))
	}
	return fmt.Sprintf("%s à %d h %02d", tr.formatDate(lang, t), p.Hour(), p.Minute())
}

// localeFilesOf lists the message files of a language: one per feature,
// named feature.lang.json, so that features are translated side by side.
func localeFilesOf(lang string) ([]string, error) {
	files, err := fs.Glob(localeFiles, "locales/*."+lang+".json")
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no message file for %q", lang)
	}
	return files, err
}

// keysIn lists the message ids of a language, for the completeness test,
// and fails when two files define the same id.
func keysIn(lang string) (map[string]bool, error) {
	files, err := localeFilesOf(lang)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, f := range files {
		b, err := localeFiles.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for k := range m {
			if keys[k] {
				return nil, fmt.Errorf("%s: %q is defined twice", f, k)
			}
			keys[k] = true
		}
	}
	return keys, nil
}
