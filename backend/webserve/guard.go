package webserve

import (
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Cookie names: with TLS the __Host- prefix pins the cookie to this
// host, Secure, path "/".
const (
	cookieName    = "deepr_session"
	tlsCookieName = "__Host-deepr_session"
)

// allowedHosts are the Host names browsers may use: the loopback names,
// the address listened on when it is a specific IP, and --host.
func allowedHosts(p Plan) map[string]bool {
	out := map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}
	if host, _, err := net.SplitHostPort(p.Listen); err == nil {
		if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
			out[ip.String()] = true
		}
	}
	for _, h := range p.Hosts {
		out[normalHost(h)] = true
	}
	return out
}

// normalHost is a Host header's name: no port, no brackets, lower case,
// no trailing dot.
func normalHost(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
	if ip := net.ParseIP(h); ip != nil {
		return ip.String()
	}
	return h
}

// guard refuses a Host outside the allowlist (a DNS-rebinding page names
// its own host) and sets the security headers of every answer.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hosts[normalHost(r.Host)] {
			http.Error(w, fmt.Sprintf("deepr serve does not answer to the host %q: start it with --host %s if browsers use that name", r.Host, normalHost(r.Host)), http.StatusMisdirectedRequest)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; object-src 'none'; frame-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'")
		if s.o.Plan.TLS() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) cookieName() string {
	if s.o.Plan.TLS() {
		return tlsCookieName
	}
	return cookieName
}

func (s *Server) signedIn(r *http.Request) bool {
	c, err := r.Cookie(s.cookieName())
	return err == nil && s.sessions.valid(c.Value)
}

// authed lets only signed-in browsers through (401 otherwise).
func (s *Server) authed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.signedIn(r) {
			writeJSON(w, http.StatusUnauthorized, callError{"signed out: open the sign-in URL that deepr serve printed"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authedPage serves the frontend to signed-in browsers and the sign-in
// form to others.
func (s *Server) authedPage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !s.signedIn(r) {
			s.loginPage(w, http.StatusUnauthorized, "")
			return
		}
		if r.URL.Path != "/" && strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no listing of the frontend's folders
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		next.ServeHTTP(w, r)
	})
}

// serveLogin exchanges the token (?token= in the printed URL, or the
// form's field) for a session cookie, then sends the browser to the app
// (the token leaves the address bar).
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	token := r.URL.Query().Get("token")
	if r.Method == http.MethodPost {
		token = r.PostFormValue("token")
	}
	token = strings.TrimSpace(token)
	if token == "" {
		s.loginPage(w, http.StatusOK, "")
		return
	}
	value, err := s.sessions.login(token)
	if err != nil {
		code := http.StatusUnauthorized
		if err == errTooManyTries {
			code = http.StatusTooManyRequests
		}
		s.loginPage(w, code, err.Error())
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: value, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.o.Plan.TLS(),
		MaxAge: int(SessionTTL / time.Second),
	})
	// A page that moves on by itself rather than a redirect: after a link
	// clicked on another site, the browser would not send a SameSite=Strict
	// cookie along a redirect, but it does on this page's own navigation.
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><title>Deepr</title></head>
<body style="font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto"><p>Signed in. <a href="/">Open Deepr</a></p></body></html>`)
}

func (s *Server) serveLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.cookieName()); err == nil {
		s.sessions.logout(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.o.Plan.TLS()})
	writeJSON(w, http.StatusOK, nil)
}

// loginPage is a page without script: what to open, and a field for the token.
func (s *Server) loginPage(w http.ResponseWriter, code int, problem string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	p := ""
	if problem != "" {
		p = `<p role="alert"><strong>` + html.EscapeString(problem) + `</strong></p>`
	}
	fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Deepr: sign in</title></head>
<body style="font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem">
<h1>Deepr</h1>%s
<p>Open the sign-in URL that <code>deepr serve</code> printed when it started, or paste its token (or <code>%s</code>) here.</p>
<form method="post" action="/login"><label>Token <input name="token" type="password" autocomplete="off" autofocus></label> <button type="submit">Sign in</button></form>
</body></html>`, p, TokenVariable)
}

// serveExport is the browser's export: the report as a download instead
// of the window's save dialog.
func (s *Server) serveExport(w http.ResponseWriter, r *http.Request) {
	if s.o.Export == nil {
		writeJSON(w, http.StatusNotFound, callError{"exports are not available here"})
		return
	}
	name, body, err := s.o.Export(r.Context(), r.PathValue("id"), r.PathValue("format"))
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, callError{err.Error()})
		return
	}
	defer body.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, asciiName(name)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.Copy(w, body)
}

// asciiName keeps a file name to characters safe in a header.
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			r = '_'
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "report"
	}
	return b.String()
}

// parseOrigin returns an Origin header's host:port.
func parseOrigin(o string) (string, error) {
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("bad origin %q", o)
	}
	return u.Host, nil
}

// portOf is a host:port's port ("" when none).
func portOf(h string) string {
	if _, p, err := net.SplitHostPort(h); err == nil {
		return p
	}
	return ""
}
