package webserve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/httpserve"
)

// Options are what a Server serves.
type Options struct {
	Plan  Plan
	Token string // see Token

	// Methods is the value whose exported methods the browser calls (the
	// window's App, in web mode: native dialogs and the OS's programs refuse).
	Methods any
	// Hub carries the service's events to the browsers.
	Hub *Hub
	// Assets serves the built frontend (index.html and its files).
	Assets http.Handler
	// Export writes a job's report in a format to w, after setting the
	// headers it needs, and returns the file name; it replaces the
	// window's save dialog with a download. nil: downloads are refused.
	Export func(ctx context.Context, id, format string) (name string, body io.ReadCloser, err error)
	// Webhooks, when set, receives the provider's webhooks: every request
	// under /webhooks/, without a session or a browser's Origin (the
	// receiver checks the provider's signatures). The Host allowlist holds.
	Webhooks http.Handler
	// SessionFile keeps the sessions across restarts ("" : memory only).
	SessionFile string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// ErrorText is how a method's error is sent to the browser, as the
	// window gets it (the App's errorData: the JSON of research.AsView);
	// nil: its message.
	ErrorText func(error) string
}

// Server is one `deepr serve`.
type Server struct {
	o        Options
	sessions *sessions
	methods  methods
	hosts    map[string]bool
	cop      *http.CrossOriginProtection
	wsLimit  chan struct{}
}

// New checks the options and returns a Server.
func New(o Options) (*Server, error) {
	if _, err := o.Plan.Check(); err != nil {
		return nil, err
	}
	if len(o.Token) < minTokenLen {
		return nil, errors.New("no sign-in token: see webserve.Token")
	}
	if o.Methods == nil || o.Hub == nil || o.Assets == nil {
		return nil, errors.New("webserve: Methods, Hub and Assets are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ErrorText == nil {
		o.ErrorText = func(err error) string { return err.Error() }
	}
	s := &Server{
		o:        o,
		sessions: newSessions(o.Token, o.SessionFile, o.Now),
		methods:  bind(o.Methods),
		hosts:    allowedHosts(o.Plan),
		cop:      http.NewCrossOriginProtection(),
		wsLimit:  make(chan struct{}, maxSockets),
	}
	return s, nil
}

// Handler is the whole site: every request passes the Host allowlist
// and the security headers; state-changing requests the cross-origin
// check; everything but signing in needs a session.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", s.serveLogin)
	mux.HandleFunc("POST /login", s.serveLogin)
	mux.Handle("POST /logout", s.authed(http.HandlerFunc(s.serveLogout)))
	mux.Handle("POST /api/call/{method}", s.authed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.methods.serveCall(w, r, s.o.ErrorText)
	})))
	mux.Handle("GET /api/events", s.authed(http.HandlerFunc(s.serveEvents)))
	mux.Handle("GET /api/export/{id}/{format}", s.authed(http.HandlerFunc(s.serveExport)))
	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, callError{"no such API endpoint"})
	}))
	mux.Handle("/", s.authedPage(s.o.Assets)) // GET only: the file server answers others with 405
	var h http.Handler = mux
	if s.o.Webhooks != nil {
		site := s.cop.Handler(mux)
		hooks := s.o.Webhooks
		return s.guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/webhooks/") {
				hooks.ServeHTTP(w, r) // signed by the provider, not a browser: no cookie, no Origin
				return
			}
			site.ServeHTTP(w, r)
		}))
	}
	return s.guard(s.cop.Handler(h))
}

// Run listens and serves until ctx ends. ready is called with the address
// it listens on once it does.
func (s *Server) Run(ctx context.Context, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", s.o.Plan.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another deepr serve running? choose another --listen)", s.o.Plan.Listen, err)
	}
	return s.serveOn(ctx, ln, ready)
}

func (s *Server) serveOn(ctx context.Context, ln net.Listener, ready func(net.Addr)) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		// No WriteTimeout: the event stream is long-lived; each of its
		// writes has its own deadline (events.go).
	}
	if s.o.Plan.TLS() {
		cert, err := tls.LoadX509KeyPair(s.o.Plan.TLSCert, s.o.Plan.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("reading --tls-cert %s and --tls-key %s: %w", s.o.Plan.TLSCert, s.o.Plan.TLSKey, err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	return httpserve.Until(ctx, srv, ln)
}

// URL is the address a browser opens for ln's address: the loopback name
// when listening on every interface.
func (s *Server) URL(addr net.Addr) string {
	scheme := "http"
	if s.o.Plan.TLS() {
		scheme = "https"
	}
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if len(s.o.Plan.Hosts) > 0 {
			host = s.o.Plan.Hosts[0]
		}
	}
	return fmt.Sprintf("%s://%s/", scheme, net.JoinHostPort(host, port))
}
