package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is one `tnl serve` child process on a loopback port.
type Server struct {
	Addr string
	cmd  *exec.Cmd
	log  *os.File
	done chan error
	once sync.Once
}

// ServerConfig says how to start tnl serve.
type ServerConfig struct {
	Bin     string   // the tnl binary
	DB      string   // TNL_DATABASE_URL
	DataDir string   // TNL_DATA_DIR
	Env     []string // more variables, such as TNL_AUTOSAVE_ONE_COMMIT=1
	Log     string   // file that receives its output (appended to)
	Addr    string   // a fixed address, to restart on the same port; "" picks a free one
}

// Start starts tnl serve pinned to CPU 0 and waits until /healthz answers.
func Start(ctx context.Context, c ServerConfig) (*Server, error) {
	addr := c.Addr
	if addr == "" {
		var err error
		if addr, err = FreeAddr(); err != nil {
			return nil, err
		}
	}
	log, err := os.OpenFile(c.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	argv := append(ServerCPU(), c.Bin, "serve")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "TNL_ADDR="+addr, "TNL_DATABASE_URL="+c.DB, "TNL_DATA_DIR="+c.DataDir,
		"TNL_BASE_URL=http://"+addr)
	cmd.Env = append(cmd.Env, c.Env...)
	cmd.Stdout, cmd.Stderr = log, log
	// The server dies with the benchmark, even if it is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	s := &Server{Addr: addr, cmd: cmd, log: log, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	if err := s.waitReady(ctx, 2*time.Minute); err != nil {
		s.Kill()
		return nil, err
	}
	return s, nil
}

// URL is the address of path on the server.
func (s *Server) URL(path string) string { return "http://" + s.Addr + path }

// PID is the server's process id (taskset execs it in place).
func (s *Server) PID() int { return s.cmd.Process.Pid }

var pollClient = &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if res, err := pollClient.Get(s.URL("/healthz")); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("tnl serve exited before it was ready (%v); see %s", err, s.log.Name())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return fmt.Errorf("tnl serve not ready after %s; see %s", timeout, s.log.Name())
}

// Stop asks the server to finish (SIGTERM) and kills it if it lingers.
func (s *Server) Stop() {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
		s.log.Close()
	})
}

// Kill stops the server at once with SIGKILL, as a crash would: no
// deferred function, no graceful shutdown runs.
func (s *Server) Kill() {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.done
		s.log.Close()
	})
}

// MemoryKB reads a field of /proc/PID/status of the server, such as VmRSS
// (resident now) or VmHWM (the peak resident size), in kB.
func (s *Server) MemoryKB(field string) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.PID()))
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

// FreeAddr returns a loopback address with a port nobody listens on now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// SignIn signs in through the real form and returns a client that keeps
// the session cookie and does not follow redirects. The cookie jar is
// keyed by host, so the client stays signed in across restarts of a server
// on the same address.
func SignIn(ctx context.Context, base, email, password string, transport http.RoundTripper) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"email": {email}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/connexion", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("signing in %s: status %d", email, res.StatusCode)
	}
	return c, nil
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat times; it
// is 100 on every Linux platform Go supports.
const clockTicks = 100

// CPUTime is the processor time the server has used so far, user and
// system: on a shared machine, a steadier measure of its work than the
// time on the clock.
func (s *Server) CPUTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.PID()))
	if err != nil {
		return 0, err
	}
	// Fields follow the command name, which is in parentheses and may hold
	// spaces: count from the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b)[i+1:])
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}
