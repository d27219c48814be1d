package logging

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
)

func TestRedact(t *testing.T) {
	cases := []struct{ in, mustNotContain string }{
		{"key sk-proj-abcdefghijklmnop123 rejected", "abcdefghijklmnop123"},
		{"Authorization: Bearer sk-live-0123456789", "0123456789"},
		{`{"Authorization":"Bearer abc.def.ghijklmn"}`, "abc.def.ghijklmn"},
		{"authorization=Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="},
		{"secret whsec_c2VjcmV0c2VjcmV0c2VjcmV0", "c2VjcmV0c2VjcmV0"},
		{"api_key=supersecretvalue", "supersecretvalue"},
		{`"api-key": "azurekey123456"`, "azurekey123456"},
	}
	for _, c := range cases {
		got := Redact(c.in)
		if strings.Contains(got, c.mustNotContain) {
			t.Errorf("Redact(%q) = %q, still contains %q", c.in, got, c.mustNotContain)
		}
		if !strings.Contains(got, "REDACTED") {
			t.Errorf("Redact(%q) = %q, want a REDACTED marker", c.in, got)
		}
	}
	if got := Redact("polled 3 jobs in 20ms"); got != "polled 3 jobs in 20ms" {
		t.Errorf("Redact changed harmless text: %q", got)
	}
}

func TestHookRedactsMessageAndFields(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, logrus.DebugLevel)
	fields := logrus.Fields{
		"key":   "sk-abcdefghijklmnopqrstuvwxyz",
		"err":   errors.New("401 from api: Authorization: Bearer sk-zzzzzzzzzzzz"),
		"count": 3,
	}
	l.WithFields(fields).Warn("using key sk-abcdefghijklmnopqrstuvwxyz")
	out := buf.String()
	for _, secret := range []string{"abcdefghijklmnopqrstuvwxyz", "zzzzzzzzzzzz"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log line leaked %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "count=3") {
		t.Errorf("non-secret field lost: %s", out)
	}
	if fields["key"] != "sk-abcdefghijklmnopqrstuvwxyz" {
		t.Errorf("hook mutated the caller's fields map")
	}
}

func TestDesktopWritesRedactedFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	l, closer, err := Desktop(dir, logrus.InfoLevel)
	if err != nil {
		t.Fatal(err)
	}
	l.SetOutput(closer.(interface{ Write([]byte) (int, error) })) // file only, keep test output clean
	l.Info("started with sk-secretsecretsecret")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "deepr.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "started with") || strings.Contains(string(b), "secretsecretsecret") {
		t.Fatalf("log file = %q, want the line with the key redacted", b)
	}
}

func TestParseLevel(t *testing.T) {
	if l, err := ParseLevel(""); err != nil || l != logrus.InfoLevel {
		t.Errorf(`ParseLevel("") = %v, %v`, l, err)
	}
	if _, err := ParseLevel("loud"); err == nil || !strings.Contains(err.Error(), "DEEPR_LOG_LEVEL") {
		t.Errorf(`ParseLevel("loud") error = %v, want one naming DEEPR_LOG_LEVEL`, err)
	}
}
