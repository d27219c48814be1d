// Package webserve is the web face of Deepr (`deepr serve`): the same
// Svelte frontend served to browsers, the same bound methods of the window
// called over HTTP (POST /api/call/{Method} with a JSON array of
// arguments), and the same events (job:updated, job:deleted,
// health:updated) pushed over a WebSocket that resumes without losing or
// repeating a change. It is an adapter only: every use case runs in the
// methods it is given (the window's App), so no rule lives here.
//
// It is secure by default: loopback unless told otherwise, TLS or an
// explicit --insecure-http off loopback, a token exchanged for an
// HttpOnly, SameSite=Strict session cookie that every call and the
// WebSocket handshake need, cross-origin requests refused, a Host
// allowlist against DNS rebinding, and bounded bodies, messages, slow
// clients and sessions.
package webserve

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
)

// DefaultListen is where `deepr serve` listens unless --listen says otherwise.
const DefaultListen = "127.0.0.1:8710"

// TokenVariable names the environment variable that holds a fixed token.
const TokenVariable = "DEEPR_SERVE_TOKEN"

// minTokenLen is the shortest DEEPR_SERVE_TOKEN accepted.
const minTokenLen = 16

// Plan is how `deepr serve` was asked to listen.
type Plan struct {
	Listen       string   // host:port
	Hosts        []string // host names browsers may use besides the loopback names (--host)
	InsecureHTTP bool     // serve plain HTTP on a non-loopback address
	TLSCert      string   // PEM certificate file (with TLSKey)
	TLSKey       string
}

// TLS reports whether the plan serves HTTPS.
func (p Plan) TLS() bool { return p.TLSCert != "" }

// Check applies the listening rules: the address must parse; --tls-cert
// and --tls-key go together; a non-loopback address needs TLS or
// --insecure-http. It returns a warning to print (a non-loopback
// address) or an error that says what to do.
func (p Plan) Check() (warning string, err error) {
	host, port, err := net.SplitHostPort(p.Listen)
	if err != nil {
		return "", fmt.Errorf("--listen %q is not HOST:PORT (for example %s): %v", p.Listen, DefaultListen, err)
	}
	if port == "" {
		return "", fmt.Errorf("--listen %q has no port (for example %s)", p.Listen, DefaultListen)
	}
	if (p.TLSCert == "") != (p.TLSKey == "") {
		return "", errors.New("--tls-cert and --tls-key go together: give both files, or neither")
	}
	for _, h := range p.Hosts {
		if !validHostName(h) {
			return "", fmt.Errorf("--host %q is not a host name (give the name browsers use, without a scheme or port, e.g. deepr.example.com)", h)
		}
	}
	if IsLoopback(host) {
		return "", nil
	}
	if !p.TLS() && !p.InsecureHTTP {
		return "", fmt.Errorf("--listen %s is not a loopback address: other computers could reach Deepr, so it needs TLS (--tls-cert and --tls-key), or --insecure-http behind a reverse proxy that adds TLS (see README, \"deepr serve\")", p.Listen)
	}
	w := fmt.Sprintf("warning: listening on %s, which other computers can reach; anyone with the token can use Deepr and spend your budget", p.Listen)
	if !p.TLS() {
		w += ". --insecure-http: the token and the session cookie cross the network unencrypted"
	}
	if len(p.Hosts) == 0 {
		w += ". Browsers must use a loopback name unless --host names the host they use"
	}
	return w, nil
}

// IsLoopback reports whether host (a name or an IP) means this machine
// only. An empty host or 0.0.0.0 means every interface, which is not.
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validHostName(h string) bool {
	if net.ParseIP(strings.Trim(h, "[]")) != nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for _, r := range h {
		if !(r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Token returns the token browsers sign in with: DEEPR_SERVE_TOKEN when
// set (at least 16 characters), else a new random one for this run.
// generated says which.
func Token(getenv func(string) (string, bool)) (token string, generated bool, err error) {
	if v, ok := getenv(TokenVariable); ok && strings.TrimSpace(v) != "" {
		v = strings.TrimSpace(v)
		if len(v) < minTokenLen {
			return "", false, fmt.Errorf("%s is %d characters long: use at least %d random characters (for example: openssl rand -hex 32)", TokenVariable, len(v), minTokenLen)
		}
		return v, false, nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", false, fmt.Errorf("making a sign-in token: %w", err)
	}
	return hex.EncodeToString(b), true, nil
}
