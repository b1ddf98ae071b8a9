package directory

import (
	"strings"
	"unicode"
)

// Match says why a body was found. Results come in this order: a match of
// a code before a match of the name, an exact name before a prefix.
type Match int

const (
	MatchINSEE      Match = iota // the query is the body's INSEE code
	MatchSIREN                   // the query is its SIREN (or a SIRET of it)
	MatchPostalCode              // the query is one of its postal codes
	MatchName                    // the normalised query is its normalised name
	MatchPrefix                  // its name starts with the query
	MatchWords                   // every word of the query starts a word of its name
	MatchSubstring               // its name contains the query
)

var matchNames = [...]string{"insee", "siren", "postal_code", "name", "prefix", "words", "substring"}

// String names the match for logs and JSON.
func (m Match) String() string {
	if m < 0 || int(m) >= len(matchNames) {
		return "unknown"
	}
	return matchNames[m]
}

// Result is one body found by Search and why.
type Result struct {
	Body  *Body
	Match Match
}

// Search finds bodies by name, INSEE code, postal code or SIREN, best first:
// code matches, then the exact name, then names that start with the query,
// then names whose words start with the query's words, then names that
// contain it; within each, the most populated first. A query made of digits
// (spaces allowed, and 2A/2B for Corsica) is only ever a code: an unknown
// code finds nothing. limit ≤ 0 means no limit.
func (d *Directory) Search(q string, limit int) []Result {
	if code, ok := codeQuery(q); ok {
		return d.searchCode(code, limit)
	}
	return d.searchName(Normalize(q), limit)
}

// codeQuery strips spaces and upper-cases q, and reports whether the
// result looks like a code: digits only, or a Corsican "2A…"/"2B…".
func codeQuery(q string) (string, bool) {
	code := strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, q))
	if code == "" {
		return "", false
	}
	digits := code
	if len(code) >= 2 && code[0] == '2' && (code[1] == 'A' || code[1] == 'B') && (len(code) == 2 || len(code) == 5) {
		digits = code[2:]
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", false
		}
	}
	return code, true
}

// searchCode looks a code up by its length: 2 or 3 characters for a
// département, région or COM, 5 for a commune's INSEE or postal code, 9
// for a SIREN and 14 for a SIRET (whose first 9 digits are the SIREN).
func (d *Directory) searchCode(code string, limit int) []Result {
	r := d.newResults(limit)
	switch len(code) {
	case 2, 3:
		r.addTier(MatchINSEE, lookups(code, d.byDep, d.byRegion, d.byINSEE)...)
	case 5:
		r.addTier(MatchINSEE, lookups(code, d.byINSEE)...)
		r.addTier(MatchPostalCode, d.byPostal[code]...)
	case 9, 14:
		r.addTier(MatchSIREN, lookups(code[:9], d.bySIREN)...)
	}
	return r.out
}

// lookups returns the bodies filed under k in each map that has it.
func lookups(k string, maps ...map[string]int32) []int32 {
	var out []int32
	for _, m := range maps {
		if i, ok := m[k]; ok {
			out = append(out, i)
		}
	}
	return out
}

// searchName runs the name tiers until limit results are found.
func (d *Directory) searchName(q string, limit int) []Result {
	if q == "" {
		return nil
	}
	x := &d.search
	r := d.newResults(limit)
	lo, hi := prefixRange(x.names, q)
	mid := lo
	for mid < hi && x.names[mid].key == q {
		mid++
	}
	r.addEntries(MatchName, x.names[lo:mid])
	r.addEntries(MatchPrefix, x.names[mid:hi])
	if !r.full() {
		r.addWordPrefixes(q)
	}
	if !r.full() && len(q) >= 3 {
		r.addSubstrings(q)
	}
	return r.out
}

// addWordPrefixes adds the bodies whose name has, for each word of q, a word
// starting with it. Candidates come from the word of q with the fewest
// index entries; the other words are checked on each candidate's name.
func (r *results) addWordPrefixes(q string) {
	x := &r.d.search
	words := strings.Split(q, " ")
	best := -1
	var cands []entry
	for i, w := range words {
		lo, hi := prefixRange(x.words, w)
		if best < 0 || hi-lo < len(cands) {
			best, cands = i, x.words[lo:hi]
		}
	}
	needles := make([]string, 0, len(words)-1)
	for i, w := range words {
		if i != best {
			needles = append(needles, " "+w)
		}
	}
	t := r.tier()
	for _, e := range cands {
		if containsAll(x.padded[e.body], needles) {
			t.add(e.body)
		}
	}
	r.flush(MatchWords, t)
}

// addSubstrings adds the bodies whose name contains q anywhere: the last
// resort, a scan of every name (a tenth of a millisecond).
func (r *results) addSubstrings(q string) {
	t := r.tier()
	r.d.search.containing(q, t.add)
	r.flush(MatchSubstring, t)
}

func containsAll(s string, needles []string) bool {
	for _, n := range needles {
		if !strings.Contains(s, n) {
			return false
		}
	}
	return true
}
