package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/research"
)

const page = `<!doctype html>
<html lang="en">
  <body><div id="app"></div></body>
</html>`

func serveThemed(t *testing.T, theme, path string) string {
	t.Helper()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, page)
	})
	rec := httptest.NewRecorder()
	themedPage(theme)(next).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	return rec.Body.String()
}

// Issue 25: with the theme set to dark, the first painted frame is dark.
func TestThemedPageMarksTheRootBeforeTheFirstPaint(t *testing.T) {
	got := serveThemed(t, "dark", "/")
	if !strings.Contains(got, `<html data-theme="dark" data-theme-choice="dark" style="background-color:#18181b;color-scheme:dark" lang="en">`) {
		t.Errorf("dark page not marked:\n%s", got)
	}
	if got := serveThemed(t, "light", "/index.html"); !strings.Contains(got, `<html data-theme="light" data-theme-choice="light" lang="en">`) {
		t.Errorf("light page not marked:\n%s", got)
	}
	if got := serveThemed(t, "system", "/"); got != page {
		t.Errorf("system theme changed the page:\n%s", got)
	}
	if got := serveThemed(t, "dark", "/assets/app.js"); got != page {
		t.Errorf("an asset other than the page changed:\n%s", got)
	}
}

// TestErrorDataIsJSONTheWindowDecodes: a bound method's error crosses as the
// JSON text of research.AsView (Wails' runtime turns an object into
// "[object Object]"), with its kind, field and message.
func TestErrorDataIsJSONTheWindowDecodes(t *testing.T) {
	s, ok := errorData(&research.Error{Kind: research.ErrInvalid, Field: "prompt", Msg: "the prompt is empty"}).(string)
	var v research.ErrorView
	if !ok || json.Unmarshal([]byte(s), &v) != nil || v.Kind != "invalid" || v.Field != "prompt" || v.Message != "The prompt is empty." {
		t.Errorf("errorData = %q; want the JSON of {invalid, prompt, The prompt is empty.}", s)
	}
}
