package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// pinning holds the command prefixes that put the servers on CPU 0 and the
// load generator on CPU 1, so that they do not steal each other's time. Both
// are empty when taskset or a second CPU is missing.
type pinning struct {
	server, load []string
}

func newPinning() pinning {
	if _, err := exec.LookPath("taskset"); err != nil || runtime.NumCPU() < 2 {
		return pinning{}
	}
	return pinning{server: []string{"taskset", "-c", "0"}, load: []string{"taskset", "-c", "1"}}
}

func (p pinning) enabled() bool { return len(p.server) > 0 }

// server is a child process answering HTTP on addr. taskset replaces itself
// with the program it starts, so the pid is the server's own.
type server struct {
	cmd  *exec.Cmd
	addr string
	log  *os.File
	done chan error
	once sync.Once
}

// startServer starts argv (behind prefix) with its output in logPath. The
// process is tied to ctx: cancelling ctx kills it.
func startServer(ctx context.Context, prefix, argv, env []string, addr, logPath string) (*server, error) {
	full := append(append([]string{}, prefix...), argv...)
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, full[0], full[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	s := &server{cmd: cmd, addr: addr, log: log, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	return s, nil
}

func (s *server) url(path string) string { return "http://" + s.addr + path }
func (s *server) pid() int               { return s.cmd.Process.Pid }

// stop asks the server to finish (SIGTERM) and kills it if it lingers. It
// may be called more than once, as deferred calls do.
func (s *server) stop() {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(12 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
		s.log.Close()
	})
}

// pollClient never reuses connections, so that a readiness probe does not
// stay connected to the server it probed.
var pollClient = &http.Client{
	Timeout:   time.Second,
	Transport: &http.Transport{DisableKeepAlives: true, DisableCompression: true},
}

// waitReady polls path every millisecond until it answers 200, the process
// exits, or the timeout passes. The fine step is what lets cold start be
// measured to the millisecond.
func (s *server) waitReady(ctx context.Context, path string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		res, err := pollClient.Get(s.url(path))
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-s.done:
			s.done <- err // stop() waits on it too
			return fmt.Errorf("%s exited before it was ready (%v); see its log:\n%s", s.cmd.Path, err, s.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return fmt.Errorf("%s not ready after %s; see its log:\n%s", s.url(path), timeout, s.logTail())
}

// logTail is the end of the server's output, to explain a failure.
func (s *server) logTail() string {
	b, _ := os.ReadFile(s.log.Name())
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// memoryKB reads a field of /proc/PID/status, such as VmRSS (resident now)
// or VmHWM (the peak resident size), in kB.
func memoryKB(pid int, field string) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, errors.New("no " + field + " in /proc status")
}
