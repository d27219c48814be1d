package weblink

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// wailsRefuses mirrors the check Wails v2.16 applies in BrowserOpenURL
// (internal/frontend/utils.ValidateAndSanitizeURL): the link is parsed and
// printed again, and the printed form must not contain these characters.
var wailsRefuses = regexp.MustCompile("[;\\|`$\\\\<>*{}\\[\\]()~! \t\n\r\u0000-\u001F\u007F\u00A0\u1680\u2000-\u200F\u2028-\u202F\u205F\u2060\u3000\uFEFF]")

func TestPrepare(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://en.wikipedia.org/wiki/Go_(programming_language)", "https://en.wikipedia.org/wiki/Go_%28programming_language%29"},
		{"  https://example.com/a  ", "https://example.com/a"},
		{"http://example.com/", "http://example.com/"},
		{"https://example.com/~user/file!.html", "https://example.com/%7Euser/file%21.html"},
		{"https://example.com/a*b;c$d", "https://example.com/a%2Ab%3Bc%24d"},
		{"https://example.com/search?q=a b&x=[1]", "https://example.com/search?q=a%20b&x=%5B1%5D"},
		{"https://example.com/q?f={x}|<y>", "https://example.com/q?f=%7Bx%7D%7C%3Cy%3E"},
		{"https://example.com/page#section_(2)", "https://example.com/page#section_%282%29"},
		{"https://example.com/a%20b/%28c%29", "https://example.com/a%20b/%28c%29"},
		{"https://example.com/tick`s", "https://example.com/tick%60s"},
		{"https://example.com/caf\u00e9", "https://example.com/caf%C3%A9"},
		{"https://example.com/?q=\u00a0x", "https://example.com/?q=%C2%A0x"},
		{"https://example.com:8443/x(y)", "https://example.com:8443/x%28y%29"},
		{"https://m\u00fcller.example/a", "https://xn--mller-kva.example/a"},
		{"https://example.com/a?", "https://example.com/a?"},
	}
	for _, tt := range tests {
		got, err := Prepare(tt.in)
		if err != nil {
			t.Errorf("Prepare(%q): error %v, want %q", tt.in, err, tt.want)
			continue
		}
		if got != tt.want {
			t.Errorf("Prepare(%q) = %q, want %q", tt.in, got, tt.want)
		}
		assertOpenable(t, tt.in, got)
	}
}

// assertOpenable checks that Wails would open got and that it names the
// same resource as in.
func assertOpenable(t *testing.T, in, got string) {
	t.Helper()
	u, err := url.Parse(got)
	if err != nil {
		t.Errorf("Prepare(%q) = %q, which does not parse: %v", in, got, err)
		return
	}
	if printed := u.String(); wailsRefuses.MatchString(printed) {
		t.Errorf("Prepare(%q) = %q, printed by Wails as %q, which it refuses", in, got, printed)
	}
	orig, _ := url.Parse(strings.TrimSpace(in))
	if u.Path != orig.Path || u.Fragment != orig.Fragment {
		t.Errorf("Prepare(%q) = %q: path %q fragment %q, want path %q fragment %q", in, got, u.Path, u.Fragment, orig.Path, orig.Fragment)
	}
	gq, _ := url.ParseQuery(u.RawQuery)
	oq, _ := url.ParseQuery(orig.RawQuery)
	if gq.Encode() != oq.Encode() {
		t.Errorf("Prepare(%q) = %q: query %v, want %v", in, got, gq, oq)
	}
}

func TestPrepareRefuses(t *testing.T) {
	for _, in := range []string{
		"",
		"javascript:alert(1)",
		"file:///etc/passwd",
		"ftp://example.com/x",
		"mailto:a@example.com",
		"https:///no-host",
		"/relative/path",
		"example.com/no-scheme",
		"https://example.com/\x00",
		"https://example.com/a\nb",
		"https://[::1]/ipv6",
		"https://user:pa$s@example.com/",
		"https://bank.example@evil.example/",
	} {
		if got, err := Prepare(in); err == nil {
			t.Errorf("Prepare(%q) = %q, want an error", in, got)
		}
	}
}

func TestEncodeKeepsPlainLinks(t *testing.T) {
	for _, in := range []string{
		"https://example.com",
		"https://example.com/a/b?c=d&e=f#g",
		"http://localhost:8080/x-y_z.html",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Encode(u); got != in {
			t.Errorf("Encode(%q) = %q, want it unchanged", in, got)
		}
	}
}
