// Command tnl runs the platform of the label « Territoire Numérique Libre ».
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/Paris even on machines without a time zone database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tnl:", err)
		os.Exit(1)
	}
}

const usage = `tnl runs the platform of the label « Territoire Numérique Libre ».

Usage:
  tnl serve     serve the site (migrations run first)
  tnl demo      load demo data into an empty database, then serve
  tnl migrate   bring the database schema up to date, then exit
  tnl user add --email E --role admin|jury|applicant
                add an account; the password is read from standard input,
                or generated and printed when standard input is a terminal
                or empty

Settings come from the environment (TNL_ADDR, TNL_DATABASE_URL,
TNL_BASE_URL, TNL_DATA_DIR, TNL_SMTP_URL, TNL_MAIL_FROM); each command's
-h lists the flags that override them.
`

// run is the whole program; main only wires it to the process. Tests call
// it with their own arguments, environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr, false)
	case "demo":
		return serve(ctx, args[1:], getenv, stdout, stderr, true)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		return user(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
