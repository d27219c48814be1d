package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// served is one `deepr serve` process of the built binary.
type served struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string // http://127.0.0.1:PORT/
	login  string // the printed sign-in URL (with the token when generated)
	stderr *lockedBuffer
	user   *http.Client // signed in
}

// lockedBuffer is a process's output, read while the process writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits until the output holds text (what the process wrote may
// still be on its way through the pipe).
func (l *lockedBuffer) waitFor(text string) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(l.String(), text) {
			return true
		}
	}
	return false
}

var openLine = regexp.MustCompile(`deepr serve: open (\S+)`)

// startServe runs `deepr serve ARGS` and waits for the URL it prints.
func startServe(t *testing.T, cmd *exec.Cmd) *served {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &served{t: t, cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.stop() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := openLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			_ = cmd.Wait()
			t.Fatalf("deepr serve exited without a URL; stderr:\n%s", s.stderr)
		}
		s.login = u
		s.url = u[:strings.Index(u, "/login")+1]
	case <-time.After(30 * time.Second):
		t.Fatalf("deepr serve printed no URL within 30 s; stderr:\n%s", s.stderr)
	}
	return s
}

func (s *served) stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
}

// signIn opens the sign-in URL (with token when the printed one has none).
func (s *served) signIn(token string) *http.Client {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	u := s.login
	if token != "" {
		u = s.url + "login?token=" + token
	}
	resp, err := c.Get(u)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 1 {
		s.t.Fatalf("signing in at %s: %d with cookies %v", u, resp.StatusCode, resp.Cookies())
	}
	s.user = c
	return c
}

// call calls a bound method as the page does and returns the status and body.
func (s *served) call(method string, args ...any) (int, string) {
	s.t.Helper()
	if args == nil {
		args = []any{}
	}
	b, _ := json.Marshal(args)
	req, _ := http.NewRequest(http.MethodPost, s.url+"api/call/"+method, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", strings.TrimSuffix(s.url, "/"))
	resp, err := s.user.Do(req)
	if err != nil {
		s.t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// must calls a method that must succeed and decodes its answer into v.
func (s *served) must(v any, method string, args ...any) {
	s.t.Helper()
	code, body := s.call(method, args...)
	if code != http.StatusOK {
		s.t.Fatalf("%s%v: %d %s", method, args, code, body)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			s.t.Fatalf("%s: %v in %s", method, err, body)
		}
	}
}

// events opens the event stream.
func (s *served) events(query string) *websocket.Conn {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http")+"api/events"+query,
		&websocket.DialOptions{HTTPClient: s.user, HTTPHeader: http.Header{"Origin": {strings.TrimSuffix(s.url, "/")}}})
	if err != nil {
		s.t.Fatalf("event stream: %v", err)
	}
	c.SetReadLimit(1 << 20)
	return c
}
