package webhook

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// rejectLogEvery is how often a refused request is logged as a warning; the
// others in between are logged at debug level and counted in the next one.
const rejectLogEvery = time.Minute

// errTooLarge reports a body longer than MaxBody.
var errTooLarge = errors.New("body too large")

// checkHeaders checks all that can be checked before the body is read: the
// three Standard Webhooks headers are there, the timestamp is within
// Tolerance of now, and at least one signature has the shape of an
// HMAC-SHA256 (44 characters of base64, after an optional "v1,"). A request
// that fails costs no body read. The SDK checks everything again, with the
// body.
func checkHeaders(h http.Header, now time.Time) error {
	if h.Get("webhook-id") == "" {
		return errors.New("missing webhook-id header")
	}
	ts := h.Get("webhook-timestamp")
	if ts == "" {
		return errors.New("missing webhook-timestamp header")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("webhook-timestamp is not a number of seconds")
	}
	tol := int64(Tolerance / time.Second)
	if sec < now.Unix()-tol {
		return errors.New("webhook timestamp is too old")
	}
	if sec > now.Unix()+tol {
		return errors.New("webhook timestamp is too new")
	}
	sigs := h.Get("webhook-signature")
	if sigs == "" {
		return errors.New("missing webhook-signature header")
	}
	for _, s := range strings.Fields(sigs) {
		s = strings.TrimPrefix(s, "v1,")
		if len(s) != base64.StdEncoding.EncodedLen(sha256.Size) {
			continue
		}
		if _, err := base64.StdEncoding.DecodeString(s); err == nil {
			return nil
		}
	}
	return errors.New("webhook-signature holds no v1 HMAC-SHA256 signature")
}

// readBody reads r to its end into buf. It stops with errTooLarge once buf
// is full, so buf must be one byte longer than the largest body allowed.
func readBody(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, errTooLarge
}

// refuse answers code without reading the rest of the body and closes the
// connection at once: a client that trickles a body keeps neither memory
// nor a connection slot.
func refuse(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Connection", "close")
	// The server would otherwise wait for up to 256 KiB of unread body
	// before closing; an expired read deadline ends that wait.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now())
	http.Error(w, msg, code)
}

// rejectLog throttles the log of refused requests: a flood writes one
// warning a minute, with the number refused since the last one.
type rejectLog struct {
	mu     sync.Mutex
	last   time.Time
	unsaid int
}

// rejected logs a refused request: why, from where and its webhook-id
// (shortened), never its body.
func (rc *Receiver) rejected(r *http.Request, why error) {
	id := r.Header.Get("webhook-id")
	if len(id) > 64 {
		id = id[:64] + "..."
	}
	l := rc.o.Log.WithFields(logrus.Fields{"webhook_id": id, "remote": r.RemoteAddr}).WithError(why)
	now := rc.o.Now()
	rc.rejects.mu.Lock()
	warn := rc.rejects.last.IsZero() || now.Sub(rc.rejects.last) >= rejectLogEvery
	unsaid := rc.rejects.unsaid
	if warn {
		rc.rejects.last, rc.rejects.unsaid = now, 0
	} else {
		rc.rejects.unsaid++
	}
	rc.rejects.mu.Unlock()
	if !warn {
		l.Debug("webhook rejected")
		return
	}
	if unsaid > 0 {
		l = l.WithField("also_rejected", unsaid)
	}
	l.Warn("webhook rejected")
}
