package directory

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// abbreviations are expanded as whole words, so that "st martin d uriage"
// and "Saint-Martin-d'Uriage" normalise alike; some source names use them
// too ("CC du Pays de Pontchâteau St-Gildas-des-Bois").
var abbreviations = map[string]string{
	"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes",
}

// ligatures are letters that canonical decomposition leaves whole.
var ligatures = map[rune]string{
	'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'ø': "o", 'Ø': "o",
}

// Normalize folds a name or a query to the form the search compares:
// lower case, no diacritics (é→e, ç→c, œ→oe), every run of characters that
// are neither letters nor digits — hyphens, apostrophes straight or
// typographic, dots, commas, underscores, parentheses, spaces — made one
// space, trimmed, and "st", "ste", "sts", "stes" spelt out.
//
// It uses the compatibility decomposition (NFKD), not only the canonical
// one, so that ligatures like "ﬁ", superscripts and full-width letters typed
// or pasted by someone also fold to plain letters.
func Normalize(s string) string {
	if !isASCII(s) {
		s = norm.NFKD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		lig := ""
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r < utf8.RuneSelf:
			space = b.Len() > 0
			continue
		case unicode.Is(unicode.Mn, r):
			continue // a combining mark left by the decomposition
		case ligatures[r] != "":
			lig = ligatures[r]
		case (unicode.IsLetter(r) && !unicode.Is(unicode.Lm, r)) || unicode.IsDigit(r):
			r = unicode.ToLower(r) // ʼ and ʻ are modifier letters (Lm): apostrophes
		default:
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if lig != "" {
			b.WriteString(lig)
		} else {
			b.WriteRune(r)
		}
	}
	return expandAbbreviations(b.String())
}

// expandAbbreviations spells out the words of abbreviations in s, whose
// words are separated by single spaces.
func expandAbbreviations(s string) string {
	if !strings.Contains(s, "st") {
		return s
	}
	words := strings.Split(s, " ")
	changed := false
	for i, w := range words {
		if long, ok := abbreviations[w]; ok {
			words[i], changed = long, true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
