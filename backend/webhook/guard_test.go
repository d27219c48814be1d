package webhook

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
)

// spyBody records whether the handler read the body.
type spyBody struct {
	io.Reader
	read bool
}

func (b *spyBody) Read(p []byte) (int, error) {
	b.read = true
	return b.Reader.Read(p)
}

func TestNoBodyReadBeforeTheSignatureHeaders(t *testing.T) {
	sig := sign(rawKey, "m", fixedNow, completed)
	ts := strconv.FormatInt(fixedNow.Unix(), 10)
	cases := []struct {
		name   string
		h      map[string]string
		length int64
		want   int
	}{
		{"no signature", map[string]string{"webhook-id": "m", "webhook-timestamp": ts}, 100, 400},
		{"no timestamp", map[string]string{"webhook-id": "m", "webhook-signature": sig}, 100, 400},
		{"no id", map[string]string{"webhook-timestamp": ts, "webhook-signature": sig}, 100, 400},
		{"timestamp not a number", headers("m", fixedNow, sig), 100, 400},
		{"stale timestamp", headers("m", fixedNow.Add(-6*time.Minute), sig), 100, 400},
		{"future timestamp", headers("m", fixedNow.Add(6*time.Minute), sig), 100, 400},
		{"signature too short", headers("m", fixedNow, "v1,AAAA"), 100, 400},
		{"signature not base64", headers("m", fixedNow, "v1,"+strings.Repeat("!", 44)), 100, 400},
		{"announced body too large", headers("m", fixedNow, sig), MaxBody + 1, 413},
	}
	cases[3].h["webhook-timestamp"] = "soon"
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			body := &spyBody{Reader: strings.NewReader(completed)}
			req := httptest.NewRequest(http.MethodPost, Path, body)
			req.ContentLength = c.length
			for k, v := range c.h {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			f.rc.ServeHTTP(rec, req)
			if rec.Code != c.want || body.read {
				t.Errorf("status %d, body read %v; want %d without reading the body", rec.Code, body.read, c.want)
			}
			if got := rec.Header().Get("Connection"); got != "close" {
				t.Errorf("Connection: %q, want close (the rest of the body is never read)", got)
			}
		})
	}
}

func TestChunkedBodyOverTheLimit(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("x", MaxBody+1)
	req := httptest.NewRequest(http.MethodPost, Path, io.MultiReader(strings.NewReader(big), strings.NewReader("more")))
	req.ContentLength = -1 // no length announced, as with chunked encoding
	for k, v := range headers("m", fixedNow, sign(rawKey, "m", fixedNow, big)) {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.rc.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", rec.Code)
	}
}

// TestRejectionsLogged checks that a flood of refused requests writes one
// warning a minute (the rest at debug level, counted), and that no log
// line carries the body.
func TestRejectionsLogged(t *testing.T) {
	log, hook := logtest.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	f := newFixture(t)
	now := fixedNow
	f.rc.o.Now = func() time.Time { return now }
	f.rc.o.Log = log
	const private = `{"type":"response.completed","data":{"id":"resp_private_body"}}`
	f.post(map[string]string{"webhook-id": "a"}, private)                       // unsigned
	f.post(headers("b", now, sign(otherKey, "b", now, private)), private)       // forged
	f.post(headers("c", now, sign(rawKey, "c", now, "{not json")), "{not json") // malformed
	now = now.Add(rejectLogEvery)
	f.post(map[string]string{"webhook-id": "d"}, private)

	var warns []*logrus.Entry
	for _, e := range hook.AllEntries() {
		if strings.Contains(fmt.Sprint(e.Message, e.Data), "resp_private_body") {
			t.Errorf("a log line carries the body: %s %v", e.Message, e.Data)
		}
		if e.Level == logrus.WarnLevel {
			warns = append(warns, e)
		}
	}
	if len(warns) != 2 || warns[0].Data["webhook_id"] != "a" || warns[1].Data["also_rejected"] != 2 {
		for _, w := range warns {
			t.Logf("warning: %s %v", w.Message, w.Data)
		}
		t.Fatalf("%d warnings, want 2: the first refusal, then one a minute later counting the 2 in between", len(warns))
	}
	if len(hook.AllEntries()) != 4 {
		t.Errorf("%d log lines for 4 refusals, want 4", len(hook.AllEntries()))
	}
}
