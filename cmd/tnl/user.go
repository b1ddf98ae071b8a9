package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"tnl/internal/domain"
)

// user handles "tnl user add".
func user(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New(`usage: tnl user add --email E --role admin|jury|applicant`)
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "email address of the account")
	role := fs.String("role", "", "admin, jury or applicant")
	name := fs.String("name", "", "display name (optional)")
	database := fs.String("database", "", "postgres:// URL or SQLite file (TNL_DATABASE_URL)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	u := &domain.User{Email: domain.NormalizeEmail(*email), Name: strings.TrimSpace(*name), Role: domain.Role(*role)}
	if p := domain.EmailProblem(u.Email); p != "" {
		return fmt.Errorf("--email: %q is not a valid address", *email)
	}
	if !u.Role.Valid() {
		return fmt.Errorf("--role must be admin, jury or applicant, not %q", *role)
	}
	password, generated, err := readPassword(stdin)
	if err != nil {
		return err
	}
	var cfgArgs []string
	if *database != "" {
		cfgArgs = []string{"-database", *database}
	}
	_, db, err := openConfigured(ctx, "user", cfgArgs, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().UTC()
	u.PasswordHash, u.EmailVerifiedAt = domain.HashPassword(password), &now
	if err := db.CreateUser(ctx, u, domain.CLIActor); err != nil {
		if domain.IsConflict(err) {
			return fmt.Errorf("an account with the address %s already exists", u.Email)
		}
		return err
	}
	fmt.Fprintf(stdout, "tnl: account %s (%s) created\n", u.Email, u.Role)
	if generated {
		fmt.Fprintf(stdout, "  password: %s\n", password)
	}
	return nil
}

// readPassword takes the first line of standard input; when standard input
// is a terminal or empty, a password is generated (and printed by the
// caller), so that nothing waits for a prompt in scripts.
func readPassword(stdin io.Reader) (password string, generated bool, err error) {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			stdin = strings.NewReader("")
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, err
	}
	password = strings.TrimRight(line, "\r\n")
	if password == "" {
		return domain.RandomToken()[:20], true, nil
	}
	if p := domain.PasswordProblem(password); p != "" {
		return "", false, fmt.Errorf("the password read from standard input is refused: %s", strings.TrimPrefix(p, "error.password."))
	}
	return password, false, nil
}
