// Package weblink prepares links from reports for the OS browser.
//
// Wails (v2.11 and later) silently refuses to open a URL whose text
// contains a shell metacharacter: ( ) ~ ! * [ ] { } ; $ | < > \ , a
// backquote or whitespace. Such characters are common in real links
// (https://en.wikipedia.org/wiki/Go_(programming_language)), so Encode
// percent-encodes them in the path, query and fragment, which leaves the
// link pointing at the same page. Only http and https links are opened.
// Opener hands links and folders to the OS and says when no program
// could open them.
package weblink

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// Refused lists the ASCII characters Wails refuses in a URL passed to
// BrowserOpenURL. Encode never leaves one of them outside the host.
const Refused = "()~!*[]{};$|<>`\\ \t\n\r"

// Prepare checks that raw is an absolute http or https link with a host
// and no user info (https://bank.example@evil.example is refused) and
// returns it encoded for BrowserOpenURL (see Encode).
func Prepare(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("not opening %q: only http and https links are opened", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("not opening %q: links with a user name or password in them are not opened; copy the link instead", raw)
	}
	if strings.ContainsAny(u.Host, Refused) {
		return "", fmt.Errorf("not opening %q: the browser is not opened for links to a bare IP address or an unusual host; copy the link instead", raw)
	}
	return Encode(u), nil
}

// Encode returns u as text with every character of Refused, every control
// character and every non-ASCII byte of the path, query and fragment
// percent-encoded. A non-ASCII host is converted to its ASCII
// (punycode) form when it is a valid international domain name. Existing
// percent escapes are kept as they are. The host itself is not changed
// otherwise: an IPv6 literal ([::1]) stays refused by Wails.
func Encode(u *url.URL) string {
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme)
		b.WriteByte(':')
	}
	if u.Opaque != "" {
		b.WriteString(escape(u.Opaque))
	} else {
		if u.Host != "" || u.User != nil {
			b.WriteString("//")
		}
		if u.User != nil {
			b.WriteString(u.User.String()) // Go re-prints it anyway: Prepare refuses user info
			b.WriteByte('@')
		}
		b.WriteString(asciiHost(u.Host))
		b.WriteString(escape(u.EscapedPath()))
	}
	if u.ForceQuery || u.RawQuery != "" {
		b.WriteByte('?')
		b.WriteString(escape(u.RawQuery))
	}
	if u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(escape(u.EscapedFragment()))
	}
	return b.String()
}

// escape percent-encodes the bytes of s that Wails refuses, plus control
// and non-ASCII bytes; '%' is kept, so existing escapes survive.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || strings.IndexByte(Refused, c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0x0f])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// asciiHost converts an international host name to punycode, keeping the
// port; it returns host unchanged when it is ASCII or not a valid name.
func asciiHost(host string) string {
	ascii := true
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return host
	}
	name, port := host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		name, port = host[:i], host[i:]
	}
	a, err := idna.Lookup.ToASCII(name)
	if err != nil {
		return host
	}
	return a + port
}
