package directory

import "testing"

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"Paris", "paris"},
		{"Saint-Martin-d'Uriage", "saint martin d uriage"},
		{"SAINT-MARTIN-D’URIAGE", "saint martin d uriage"},
		{"st martin d uriage", "saint martin d uriage"},
		{"St-Martin-d‘Uriage", "saint martin d uriage"},
		{"saint martinʼd uriage", "saint martin d uriage"},
		{"Ste-Foy-lès-Lyon", "sainte foy les lyon"},
		{"Sts Geosmes", "saints geosmes"},
		{"stes maries de la mer", "saintes maries de la mer"},
		{"Stenay", "stenay"},             // not an abbreviation: a word of its own
		{"Est Ensemble", "est ensemble"}, // "st" inside a word stays
		{"Œuilly", "oeuilly"},
		{"Lœuilly", "loeuilly"},
		{"Bœrsch", "boersch"},
		{"Æ", "ae"},
		{"L'Haÿ-les-Roses", "l hay les roses"},
		{"Ãé Ç ñ ü Ô", "ae c n u o"},
		{"Île-de-France", "ile de france"},
		{"ÉCOLE", "ecole"},
		{"L'Abergement-Clémenciat", "l abergement clemenciat"},
		{"CA Beaune, Côte et Sud - Communauté", "ca beaune cote et sud communaute"},
		{"a_b.c,d", "a b c d"},
		{"Bonneuil-en-Valois (Oise)", "bonneuil en valois oise"},
		{"  --Saint--Joseph--  ", "saint joseph"},
		{"Saint–Joseph — Réunion", "saint joseph reunion"}, // en and em dashes
		{"ﬁnistère", "finistere"},                          // a ligature from a copy-paste
		{"Ｐａｒｉｓ", "paris"},                                 // full-width letters
		{"Paris\u00a015e", "paris 15e"},                    // non-breaking space
		{"2A004", "2a004"},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestNormalizeIdempotent checks that normalising twice changes nothing,
// which the index relies on when it normalises names and queries alike.
func TestNormalizeIdempotent(t *testing.T) {
	d := mustLoad(t)
	for _, b := range d.All() {
		once := Normalize(b.Name)
		if once == "" {
			t.Errorf("Normalize(%q) is empty", b.Name)
		}
		if twice := Normalize(once); twice != once {
			t.Errorf("Normalize(%q) = %q, then %q", b.Name, once, twice)
		}
	}
}
