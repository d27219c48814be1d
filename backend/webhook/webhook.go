// Package webhook receives OpenAI webhooks (Standard Webhooks signatures,
// verified with the official SDK) and wakes the poller for the job an event
// names. It never changes a job itself: the poller fetches the response and
// commits the result exactly as a regular poll would, so a forged or lost
// event can at worst cause one extra poll. Nothing listens unless the user
// turns webhooks on.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/webhooks"
	"github.com/sirupsen/logrus"
)

// Path is where OpenAI posts events.
const Path = "/webhooks/openai"

// Limits of the receiver. OpenAI's events are a few hundred bytes.
const (
	MaxBody   = 64 << 10        // bytes
	Tolerance = 5 * time.Minute // allowed clock difference, both directions
	seenLimit = 10000           // remembered webhook-ids
)

// tooLarge answers a body over MaxBody.
var tooLarge = fmt.Sprintf("body too large: a webhook event is at most %d bytes", MaxBody)

// Lookup finds the local job for a provider response id.
type Lookup func(ctx context.Context, providerJobID string) (jobID string, ok bool, err error)

// Options configure a Receiver.
type Options struct {
	Secret     string // OPENAI_WEBHOOK_SECRET (whsec_...)
	Lookup     Lookup
	Wake       func(jobID string)
	Now        func() time.Time   // nil: time.Now
	Log        logrus.FieldLogger // nil: discard
	OnVerified func(at time.Time) // called for every verified event
}

// Receiver is the http.Handler for Path.
type Receiver struct {
	o   Options
	svc webhooks.WebhookService

	bufs    sync.Pool // *[MaxBody + 1]byte, one per body being read
	rejects rejectLog

	mu    sync.Mutex
	seen  map[string]struct{}
	order []string
}

// NewReceiver returns a receiver. It refuses an empty secret: without one
// nothing can be verified.
func NewReceiver(o Options) (*Receiver, error) {
	if strings.TrimSpace(o.Secret) == "" {
		return nil, errors.New("OPENAI_WEBHOOK_SECRET is not set: copy the signing secret (whsec_...) from the OpenAI dashboard's webhook page")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		o.Log = l
	}
	return &Receiver{
		o:    o,
		svc:  webhooks.NewWebhookService(option.WithWebhookSecret(o.Secret)),
		bufs: sync.Pool{New: func() any { return new([MaxBody + 1]byte) }},
		seen: make(map[string]struct{}),
	}, nil
}

// ServeHTTP verifies one delivery and wakes the poller for its job. The
// headers are checked before any of the body is read, and at most MaxBody
// bytes of it are read (into a recycled buffer), so a request without a
// fresh, well-formed signature costs no body read.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != Path {
		refuse(w, http.StatusNotFound, "404 page not found")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		refuse(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	if err := checkHeaders(r.Header, rc.o.Now()); err != nil {
		rc.rejected(r, err)
		refuse(w, http.StatusBadRequest, "invalid webhook: "+err.Error())
		return
	}
	if r.ContentLength > MaxBody {
		rc.rejected(r, fmt.Errorf("body of %d bytes announced, at most %d allowed", r.ContentLength, MaxBody))
		refuse(w, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	buf := rc.bufs.Get().(*[MaxBody + 1]byte)
	defer rc.bufs.Put(buf)
	n, err := readBody(r.Body, buf[:])
	if err != nil {
		rc.rejected(r, fmt.Errorf("reading the body: %w", err))
		if errors.Is(err, errTooLarge) {
			refuse(w, http.StatusRequestEntityTooLarge, tooLarge)
		} else {
			refuse(w, http.StatusBadRequest, "cannot read body")
		}
		return
	}
	body := buf[:n]
	id := r.Header.Get("webhook-id")
	ev, err := rc.svc.UnwrapWithToleranceAndTime(body, r.Header, Tolerance, rc.o.Now())
	if err == nil && (!json.Valid(body) || ev.Type == "") {
		err = errors.New("the body is not a webhook event")
	}
	if err != nil {
		rc.rejected(r, err)
		http.Error(w, "invalid webhook: "+err.Error(), http.StatusBadRequest)
		return
	}
	if rc.o.OnVerified != nil {
		rc.o.OnVerified(rc.o.Now())
	}
	if !rc.firstTime(id) {
		rc.o.Log.WithField("webhook_id", id).Debug("webhook already processed")
		w.WriteHeader(http.StatusOK)
		return
	}
	respID := ""
	switch e := ev.AsAny().(type) {
	case webhooks.ResponseCompletedWebhookEvent:
		respID = e.Data.ID
	case webhooks.ResponseFailedWebhookEvent:
		respID = e.Data.ID
	case webhooks.ResponseCancelledWebhookEvent:
		respID = e.Data.ID
	case webhooks.ResponseIncompleteWebhookEvent:
		respID = e.Data.ID
	default:
		rc.o.Log.WithField("type", ev.Type).Debug("webhook event type ignored")
		w.WriteHeader(http.StatusOK)
		return
	}
	jobID, ok, err := rc.o.Lookup(r.Context(), respID)
	if err != nil {
		rc.forget(id) // let OpenAI retry
		rc.o.Log.WithError(err).Error("webhook: job lookup failed")
		http.Error(w, "temporary failure", http.StatusInternalServerError)
		return
	}
	if !ok {
		rc.o.Log.WithField("response", respID).Debug("webhook for an unknown response")
		w.WriteHeader(http.StatusOK)
		return
	}
	rc.o.Log.WithFields(logrus.Fields{"job": jobID, "type": ev.Type}).Info("webhook: checking job now")
	rc.o.Wake(jobID)
	w.WriteHeader(http.StatusOK)
}

// firstTime records a webhook-id and reports whether it was new. The memory
// is bounded: the oldest ids are forgotten first.
func (rc *Receiver) firstTime(id string) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if _, dup := rc.seen[id]; dup {
		return false
	}
	rc.seen[id] = struct{}{}
	rc.order = append(rc.order, id)
	if len(rc.order) > seenLimit {
		delete(rc.seen, rc.order[0])
		rc.order = rc.order[1:]
	}
	return true
}

func (rc *Receiver) forget(id string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	delete(rc.seen, id)
}

// CheckListen validates a listen address: host:port, and a non-loopback
// host only together with a secret.
func CheckListen(addr, secret string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("DEEPR_WEBHOOK_LISTEN=%q is not host:port, like 127.0.0.1:8787", addr)
	}
	if !isLoopback(host) && strings.TrimSpace(secret) == "" {
		return fmt.Errorf("refusing to listen for webhooks on %s without OPENAI_WEBHOOK_SECRET: anyone could post events; set the secret or listen on 127.0.0.1 behind a reverse proxy", addr)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
