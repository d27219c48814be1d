package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// These tests run `deepr serve` from the built binary against the fake
// Responses API and use it as a browser would (cookie, Origin), over HTTP
// and the event stream.

const (
	serveKey     = "sk-serve-secret-key-5f9e2c7a"
	serveWebhook = "whsec_c2VydmUtd2ViaG9vay1zZWNyZXQtOTk4OA=="
)

// waitJob polls GetJob until the job's status is want.
func (s *served) waitJob(id, want string) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var j map[string]any
		s.must(&j, "GetJob", id)
		if j["status"] == want {
			return j
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("job %s is %v, want %s", id, j["status"], want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestServeNeverReturnsASecret(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: serveKey, StepsToFinish: 2})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	c.env = withoutVar(c.env, "OPENAI_API_KEY") // the browser saves it
	s := startServe(t, c.cmd("", "serve", "--listen", "127.0.0.1:0"))
	s.signIn("")
	var bodies strings.Builder
	record := func(what, body string) { fmt.Fprintf(&bodies, "%s: %s\n", what, body) }

	ws := s.events("")
	defer ws.CloseNow()
	frames := make(chan string, 1024)
	go func() {
		for {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				close(frames)
				return
			}
			frames <- string(b)
		}
	}()

	code, body := s.call("SetProviderKey", "openai", serveKey)
	record("SetProviderKey", body)
	if code != http.StatusOK || !strings.Contains(body, serveKey[len(serveKey)-4:]) {
		t.Fatalf("SetProviderKey: %d %s, want the key saved and described by its last four", code, body)
	}
	_, body = s.call("SetWebhookSecret", serveWebhook)
	record("SetWebhookSecret", body)

	// A finished report carrying script: served sanitized, as the window renders it.
	var sub struct {
		Job struct{ ID string } `json:"job"`
	}
	s.must(&sub, "Submit", map[string]any{"prompt": "[[fake:hostile]] heat pumps in cold climates"})
	s.waitJob(sub.Job.ID, "completed")
	code, body = s.call("GetReport", sub.Job.ID)
	if code != http.StatusOK {
		t.Fatalf("GetReport: %d %s", code, body)
	}
	var rep struct{ HTML string }
	_ = json.Unmarshal([]byte(body), &rep)
	for _, bad := range []string{"<script", "<img", "<iframe", `href="javascript:`, `onerror="`, `onmouseover="`} {
		if rep.HTML == "" || strings.Contains(rep.HTML, bad) {
			t.Errorf("the report is not served sanitized (%s): %s", bad, rep.HTML)
		}
	}

	for _, f := range []string{"md", "html"} {
		resp, err := s.user.Get(s.url + "api/export/" + sub.Job.ID + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("export %s: %d %s", f, resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		record("export "+f, string(b))
	}
	// Every bound method, with the job's id where it takes a string and
	// zero values elsewhere; the ones that clear a secret last.
	var last []string
	for _, m := range boundMethods() {
		if strings.HasPrefix(m.Name, "Clear") {
			last = append(last, m.Name)
			continue
		}
		_, body := s.call(m.Name, m.args(sub.Job.ID)...)
		record(m.Name, body)
	}
	for _, name := range last {
		_, body := s.call(name, "openai")
		record(name, body)
	}
	for _, p := range []string{"", "login", "index.html"} {
		resp, err := s.user.Get(s.url + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		record("GET /"+p, string(b))
	}
	ws.Close(1000, "")
	for f := range frames {
		record("event", f)
	}
	all := bodies.String()
	for _, secret := range []string{serveKey, serveWebhook, strings.TrimPrefix(serveWebhook, "whsec_")} {
		if strings.Contains(all, secret) {
			i := strings.Index(all, secret)
			t.Errorf("a response carries a secret: …%s…", all[max(0, i-200):i])
		}
	}
	if !strings.Contains(all, "job:updated") {
		t.Error("no job:updated event reached the event stream")
	}
}

// boundMethod is one of the App's bound methods and how to call it blindly.
type boundMethod struct {
	Name string
	in   []reflect.Type
}

func (m boundMethod) args(id string) []any {
	out := make([]any, len(m.in))
	for i, t := range m.in {
		if t.Kind() == reflect.String {
			out[i] = id
		} else {
			out[i] = reflect.Zero(t).Interface()
		}
	}
	return out
}

func boundMethods() []boundMethod {
	var out []boundMethod
	t := reflect.TypeFor[*App]()
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		var in []reflect.Type
		for j := 1; j < m.Type.NumIn(); j++ {
			in = append(in, m.Type.In(j))
		}
		out = append(out, boundMethod{Name: m.Name, in: in})
	}
	return out
}

func withoutVar(env []string, name string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, name+"=") {
			out = append(out, e)
		}
	}
	return out
}

func TestServeDesktopOnlyCallsRefused(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	s := startServe(t, c.cmd("", "serve", "--listen", "127.0.0.1:0"))
	s.signIn("")
	for _, m := range []string{"OpenDataFolder", "ExportLibrary", "ImportLibrary"} {
		if code, body := s.call(m); code != http.StatusUnprocessableEntity {
			t.Errorf("%s from a browser: %d %s, want a refusal", m, code, body)
		}
	}
	if code, body := s.call("ExportReport", "x", "md"); code != http.StatusUnprocessableEntity {
		t.Errorf("ExportReport from a browser: %d %s, want a refusal (it is a download)", code, body)
	}
	// No URL a browser names is called by the server (the key would go there).
	if code, body := s.call("SetProviderEndpoint", "azure", "http://127.0.0.1:1"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "AZURE_OPENAI_ENDPOINT") {
		t.Errorf("SetProviderEndpoint from a browser: %d %s, want a refusal", code, body)
	}
	// A refusal is the same data the window gets: the JSON of research.AsView.
	code, body := s.call("Submit", map[string]any{"prompt": ""})
	var refusal struct{ Error string }
	var view struct{ Kind, Field, Message string }
	if code != http.StatusUnprocessableEntity || json.Unmarshal([]byte(body), &refusal) != nil ||
		json.Unmarshal([]byte(refusal.Error), &view) != nil || view.Kind != "invalid" || view.Field != "prompt" || view.Message == "" {
		t.Errorf("an empty prompt from a browser: %d %s; want 422 with {kind invalid, field prompt, message}", code, body)
	}
	// OpenURL checks the link and opens nothing on the server.
	if code, _ := s.call("OpenURL", "https://example.com/a"); code != http.StatusOK {
		t.Errorf("OpenURL of an https link: %d", code)
	}
	if code, _ := s.call("OpenURL", "file:///etc/passwd"); code != http.StatusUnprocessableEntity {
		t.Errorf("OpenURL of a file link: %d, want a refusal", code)
	}
}
