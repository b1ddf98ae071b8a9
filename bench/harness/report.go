package harness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"tnl/bench/mdsection"
)

// WriteSection rewrites section name of BENCHMARKS.md, keeping the
// others (see bench/mdsection).
func WriteSection(root, name, body string) error {
	return mdsection.Replace(filepath.Join(root, "BENCHMARKS.md"), name, body)
}

// Machine describes what the figures were measured on, as list items.
func Machine(ctx context.Context, root string) string {
	lines := append([]string{"date: " + time.Now().UTC().Format("2006-01-02 15:04 UTC")}, Hardware()...)
	lines = append(lines, "load average at start (1, 5, 15 min): "+LoadAverage(), Source(ctx, root))
	if Pinned() {
		lines = append(lines, "pinning: `tnl serve` on CPU 0, the load generator on CPU 1 (`taskset`); PostgreSQL on either")
	} else {
		lines = append(lines, "pinning: none (taskset or a second CPU missing)")
	}
	return "- " + strings.Join(lines, "\n- ") + "\n"
}

// Hardware names the machine and toolchain the figures come from.
func Hardware() []string {
	return []string{
		"CPU: " + procField("/proc/cpuinfo", "model name"),
		fmt.Sprintf("CPUs online: %d", OnlineCPUs()),
		"memory: " + memTotal(),
		"kernel: " + strings.TrimSpace(readString("/proc/sys/kernel/osrelease")),
		"Go: " + runtime.Version(),
	}
}

// Source names the commit measured, and whether tracked files differed
// from it. It reads git without taking its lock.
func Source(ctx context.Context, root string) string {
	git := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"--no-optional-locks"}, args...)...)
		cmd.Dir = root
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	commit, err := git("rev-parse", "--short", "HEAD")
	if err != nil {
		return "source: not a git checkout"
	}
	if changes, err := git("status", "--porcelain", "--untracked-files=no"); err != nil || changes != "" {
		return "source: commit " + commit + " with uncommitted changes to tracked files"
	}
	return "source: commit " + commit + " (tracked files unchanged)"
}

// LoadAverage is the machine's load average, to judge how busy it was.
func LoadAverage() string {
	f := strings.Fields(readString("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// memTotal is the machine's memory in GiB, from /proc/meminfo's kB.
func memTotal() string {
	var kB int
	if _, err := fmt.Sscanf(procField("/proc/meminfo", "MemTotal"), "%d kB", &kB); err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", float64(kB)/(1<<20))
}

func procField(path, name string) string {
	for line := range strings.Lines(readString(path)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func readString(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// MB writes kB as megabytes (10^6 bytes), as the goals are written.
func MB(kB int) string { return fmt.Sprintf("%.1f MB", float64(kB)*1024/1e6) }

// Step prints what the run is doing, with the time.
func Step(format string, args ...any) {
	fmt.Printf("%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// FsyncLatency is the median time of writing 4 KiB and syncing it to disk
// in dir, over n tries: what one durable commit costs at least on this
// machine, whatever the database.
func FsyncLatency(dir string, n int) (time.Duration, error) {
	f, err := os.CreateTemp(dir, "fsync-")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	block := make([]byte, 4096)
	times := make([]time.Duration, n)
	for i := range times {
		start := time.Now()
		if _, err := f.WriteAt(block, int64(i)*4096); err != nil {
			return 0, err
		}
		if err := f.Sync(); err != nil {
			return 0, err
		}
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	return times[n/2], nil
}
