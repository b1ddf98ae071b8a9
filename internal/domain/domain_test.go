package domain

import "testing"

func TestPassword(t *testing.T) {
	h := HashPassword("correct horse battery")
	if !CheckPassword(h, "correct horse battery") {
		t.Fatal("right password refused")
	}
	for _, bad := range []string{"", "correct horse batterY", "correct horse battery "} {
		if CheckPassword(h, bad) {
			t.Fatalf("wrong password %q accepted", bad)
		}
	}
	if CheckPassword(NoPassword, "") || CheckPassword("", "") {
		t.Fatal("an unusable hash must match nothing")
	}
	if HashPassword("x") == HashPassword("x") {
		t.Fatal("hashes must be salted")
	}
}

func TestEmailProblem(t *testing.T) {
	for email, want := range map[string]string{
		"mairie@example.fr":                  "",
		"":                                   "error.email.required",
		"mairie":                             "error.email.invalid",
		"mairie@localhost":                   "error.email.invalid",
		"Jean <jean@example.fr>":             "error.email.invalid",
		"a@b.fr" + string(make([]byte, 300)): "error.email.too_long",
	} {
		if got := EmailProblem(email); got != want {
			t.Errorf("EmailProblem(%q) = %q, want %q", email, got, want)
		}
	}
}

func TestPasswordProblem(t *testing.T) {
	for pw, want := range map[string]string{
		"":                        "error.password.required",
		"court":                   "error.password.too_short",
		"assez-long-pour-passer":  "",
		string(make([]rune, 129)): "error.password.too_long",
	} {
		if got := PasswordProblem(pw); got != want {
			t.Errorf("PasswordProblem(%q) = %q, want %q", pw, got, want)
		}
	}
}
