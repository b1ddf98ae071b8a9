// Package harness is what the benchmarks of applications share (bench/autosave
// and bench/export): a fresh database on each engine, a real `tnl serve`
// built from the tree and started as in production, signing in, pinning the
// server and the load to different CPUs, and writing one section of
// BENCHMARKS.md.
package harness

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"

	"tnl/internal/directory"
	"tnl/internal/store"
)

// PostgresEnv names the variable that holds the URL of a PostgreSQL server
// to measure too; `make bench-*` sets it inside pg_virtualenv.
const PostgresEnv = "TNL_BENCH_POSTGRES"

// Engine is one fresh database to measure on.
type Engine struct {
	Name string // "sqlite" or "postgres"
	URL  string // TNL_DATABASE_URL of tnl serve
	Keep bool   // Close leaves the PostgreSQL schema, to look into it
	drop func()
}

// Engines returns a fresh SQLite file under dir, and a fresh PostgreSQL
// schema when PostgresEnv is set; only, when not empty, names the engines
// wanted ("sqlite,postgres"). Call Close on each when done.
func Engines(dir, only string) ([]*Engine, error) {
	want := func(name string) bool { return only == "" || slices.Contains(strings.Split(only, ","), name) }
	var out []*Engine
	if want("sqlite") {
		out = append(out, &Engine{Name: "sqlite", URL: filepath.Join(dir, "tnl.db")})
	}
	base := os.Getenv(PostgresEnv)
	if !want("postgres") {
		return out, nil
	}
	if base == "" {
		if only != "" {
			return nil, errors.New("postgres asked for, but " + PostgresEnv + " is not set")
		}
		return out, nil
	}
	pg, err := postgresEngine(base)
	if err != nil {
		return nil, err
	}
	return append(out, pg), nil
}

// postgresEngine makes a schema of its own, dropped by Close, so that a
// run never touches other data on the server.
func postgresEngine(base string) (*Engine, error) {
	b := make([]byte, 6)
	rand.Read(b)
	schema := "bench_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		return nil, fmt.Errorf("%s: %w", PostgresEnv, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return &Engine{Name: "postgres", URL: u.String(), drop: func() {
		if admin, err := sql.Open("pgx", base); err == nil {
			admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			admin.Close()
		}
	}}, nil
}

// Close removes the engine's PostgreSQL schema; SQLite files go with the
// run's temporary folder.
func (e *Engine) Close() {
	if e.Keep {
		fmt.Println("kept", e.URL)
		return
	}
	if e.drop != nil {
		e.drop()
	}
}

// Open opens the engine's database migrated and holding the official
// directory, as `tnl serve` would, so that setup steps can write through the
// store.
func (e *Engine) Open(ctx context.Context) (*store.DB, error) {
	db, err := store.Open(ctx, e.URL)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := directory.Ensure(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Setting reads a server setting of the engine, to say in the report what
// the figures depend on (fsync, synchronous_commit; journal_mode,
// synchronous).
func Setting(ctx context.Context, db *store.DB, name string) string {
	q := "SHOW " + name
	if db.Engine() == "sqlite" {
		q = "PRAGMA " + name
	}
	var v string
	if err := store.RawSQL(db).QueryRowContext(ctx, q).Scan(&v); err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return v
}

// Root is the folder of tnl's go.mod, wherever the command is run from.
func Root(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run this from inside the tnl module")
	}
	return filepath.Dir(gomod), nil
}

// Build compiles tnl from the tree, as `make build` does, into dir.
func Build(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "tnl")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/tnl")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building tnl: %w\n%s", err, out)
	}
	return bin, nil
}

// pinnedEnv marks a process already re-executed under taskset.
const pinnedEnv = "TNL_BENCH_PINNED"

// ServerCPU is the taskset prefix of tnl serve: CPU 0, while the load runs
// on CPU 1 (see PinLoad). Empty without taskset or a second CPU.
func ServerCPU() []string {
	if !canPin() {
		return nil
	}
	return []string{"taskset", "-c", "0"}
}

func canPin() bool {
	_, err := exec.LookPath("taskset")
	return err == nil && OnlineCPUs() >= 2
}

// OnlineCPUs counts the machine's CPUs, whatever this process's affinity:
// under `taskset -c 1`, runtime.NumCPU says 1.
func OnlineCPUs() int {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return runtime.NumCPU()
	}
	n := 0
	for _, part := range strings.Split(strings.TrimSpace(string(b)), ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		z, err2 := strconv.Atoi(hi)
		switch {
		case err1 != nil:
			return runtime.NumCPU()
		case !isRange:
			n++
		case err2 == nil && z >= a:
			n += z - a + 1
		default:
			return runtime.NumCPU()
		}
	}
	return n
}

// PinLoad runs the calling program again under `taskset -c 1`, so that its
// load generator and tnl serve do not steal each other's CPU. It returns
// only when pinning is impossible or already done; Pinned says which.
func PinLoad() {
	if os.Getenv(pinnedEnv) != "" || !canPin() {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	taskset, _ := exec.LookPath("taskset")
	argv := append([]string{"taskset", "-c", "1", exe}, os.Args[1:]...)
	err = syscall.Exec(taskset, argv, append(os.Environ(), pinnedEnv+"=1"))
	fmt.Fprintln(os.Stderr, "could not pin the load to CPU 1:", err)
}

// Pinned reports whether the load runs on CPU 1 and servers on CPU 0.
func Pinned() bool { return os.Getenv(pinnedEnv) != "" }
