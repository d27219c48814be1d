package mcpserver

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Serving over HTTP (deepr mcp --http): the same tools over Streamable
// HTTP, on loopback unless the user allows another address, each request
// carrying the bearer token printed at start, its Host and Origin checked
// against DNS rebinding.

// MCPPath is where the HTTP server answers.
const MCPPath = "/mcp"

// CheckListen refuses an address that is not host:port, or whose host is
// not loopback unless allowRemote.
func CheckListen(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("--http takes host:port, like 127.0.0.1:8765 (got %q)", addr)
	}
	if !allowRemote && !loopback(host) {
		return fmt.Errorf("--http %s is not a loopback address: other machines could reach Deepr's tools; use 127.0.0.1:PORT, or add --allow-remote if you mean it", addr)
	}
	return nil
}

// loopback reports whether host (a name or an IP, without port) is this
// machine's loopback.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// NewToken makes a bearer token: 32 random bytes, hex.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// HTTPHandler serves the tools over Streamable HTTP at MCPPath to requests
// that carry "Authorization: Bearer token". Unless allowRemote, the Host
// must name loopback (a DNS-rebinding page names its own host); an Origin,
// when sent (a browser), must be loopback too, or the Host itself with
// allowRemote.
func (s *Server) HTTPHandler(token string, allowRemote bool) http.Handler {
	mcpHandler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.mcp }, nil)
	want := []byte("Bearer " + token)
	mux := http.NewServeMux()
	mux.Handle(MCPPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowRemote && !loopback(hostOnly(r.Host)) {
			http.Error(w, "Forbidden: Deepr answers only requests addressed to localhost", http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !originAllowed(o, r.Host, allowRemote) {
			http.Error(w, "Forbidden: requests from web pages are not served", http.StatusForbidden)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="deepr"`)
			http.Error(w, "Unauthorized: send the token deepr mcp printed at start as Authorization: Bearer TOKEN", http.StatusUnauthorized)
			return
		}
		mcpHandler.ServeHTTP(w, r)
	}))
	return mux
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

func originAllowed(origin, host string, allowRemote bool) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return loopback(u.Hostname()) || (allowRemote && strings.EqualFold(u.Host, host))
}
