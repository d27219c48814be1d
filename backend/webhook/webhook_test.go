package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	rawKey    = []byte("0123456789abcdef0123456789abcdef") // 32 bytes
	secret    = "whsec_" + base64.StdEncoding.EncodeToString(rawKey)
	otherKey  = []byte("ffffffffffffffffffffffffffffffff")
	fixedNow  = time.Unix(1_780_000_000, 0)
	completed = `{"id":"evt_1","object":"event","created_at":1780000000,"type":"response.completed","data":{"id":"resp_known"}}`
)

func sign(key []byte, id string, ts time.Time, body string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "." + body))
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

type fixture struct {
	rc    *Receiver
	mu    sync.Mutex
	woken []string
	fail  error
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{}
	rc, err := NewReceiver(Options{
		Secret: secret,
		Now:    func() time.Time { return fixedNow },
		Lookup: func(_ context.Context, pid string) (string, bool, error) {
			if f.fail != nil {
				return "", false, f.fail
			}
			if pid == "resp_known" {
				return "job1", true, nil
			}
			return "", false, nil
		},
		Wake: func(id string) { f.mu.Lock(); f.woken = append(f.woken, id); f.mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	f.rc = rc
	return f
}

func (f *fixture) post(h map[string]string, body string) int {
	req := httptest.NewRequest(http.MethodPost, Path, strings.NewReader(body))
	for k, v := range h {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.rc.ServeHTTP(rec, req)
	return rec.Code
}

func headers(id string, ts time.Time, sig string) map[string]string {
	return map[string]string{"webhook-id": id, "webhook-timestamp": strconv.FormatInt(ts.Unix(), 10), "webhook-signature": sig}
}

func TestSignatureVectors(t *testing.T) {
	cases := []struct {
		name     string
		h        map[string]string
		body     string
		wantCode int
		wantWake bool
	}{
		{"valid", headers("msg_1", fixedNow, sign(rawKey, "msg_1", fixedNow, completed)), completed, 200, true},
		{"wrong secret", headers("msg_1", fixedNow, sign(otherKey, "msg_1", fixedNow, completed)), completed, 400, false},
		{"tampered body", headers("msg_1", fixedNow, sign(rawKey, "msg_1", fixedNow, completed)), strings.Replace(completed, "resp_known", "resp_other", 1), 400, false},
		{"old timestamp", headers("msg_1", fixedNow.Add(-6*time.Minute), sign(rawKey, "msg_1", fixedNow.Add(-6*time.Minute), completed)), completed, 400, false},
		{"future timestamp", headers("msg_1", fixedNow.Add(6*time.Minute), sign(rawKey, "msg_1", fixedNow.Add(6*time.Minute), completed)), completed, 400, false},
		{"within window", headers("msg_1", fixedNow.Add(-4*time.Minute), sign(rawKey, "msg_1", fixedNow.Add(-4*time.Minute), completed)), completed, 200, true},
		{"several signatures, one valid", headers("msg_1", fixedNow, sign(otherKey, "msg_1", fixedNow, completed)+" "+sign(rawKey, "msg_1", fixedNow, completed)), completed, 200, true},
		{"signature without the v1 prefix (as the SDK accepts)", headers("msg_1", fixedNow, strings.TrimPrefix(sign(rawKey, "msg_1", fixedNow, completed), "v1,")), completed, 200, true},
		{"several signatures, none valid", headers("msg_1", fixedNow, sign(otherKey, "msg_1", fixedNow, completed)+" v1,AAAA"), completed, 400, false},
		{"signature for another id", headers("msg_2", fixedNow, sign(rawKey, "msg_1", fixedNow, completed)), completed, 400, false},
		{"missing signature", map[string]string{"webhook-id": "msg_1", "webhook-timestamp": strconv.FormatInt(fixedNow.Unix(), 10)}, completed, 400, false},
		{"missing timestamp", map[string]string{"webhook-id": "msg_1", "webhook-signature": sign(rawKey, "msg_1", fixedNow, completed)}, completed, 400, false},
		{"missing id", map[string]string{"webhook-timestamp": strconv.FormatInt(fixedNow.Unix(), 10), "webhook-signature": sign(rawKey, "msg_1", fixedNow, completed)}, completed, 400, false},
		{"signed garbage body", headers("msg_1", fixedNow, sign(rawKey, "msg_1", fixedNow, "{not json")), "{not json", 400, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if code := f.post(c.h, c.body); code != c.wantCode {
				t.Fatalf("status %d, want %d", code, c.wantCode)
			}
			if got := len(f.woken) == 1 && f.woken[0] == "job1"; got != c.wantWake {
				t.Fatalf("woken = %v, want wake=%v", f.woken, c.wantWake)
			}
		})
	}
}

func TestRepeatedDeliveryProcessedOnce(t *testing.T) {
	f := newFixture(t)
	h := headers("msg_dup", fixedNow, sign(rawKey, "msg_dup", fixedNow, completed))
	for i := 0; i < 3; i++ {
		if code := f.post(h, completed); code != 200 {
			t.Fatalf("delivery %d: status %d, want 200", i, code)
		}
	}
	if len(f.woken) != 1 {
		t.Fatalf("woken %d times, want once", len(f.woken))
	}
}

func TestEventKindsAndUnknownIDs(t *testing.T) {
	for _, typ := range []string{"response.completed", "response.failed", "response.cancelled", "response.incomplete"} {
		f := newFixture(t)
		body := strings.Replace(completed, "response.completed", typ, 1)
		if code := f.post(headers("m", fixedNow, sign(rawKey, "m", fixedNow, body)), body); code != 200 || len(f.woken) != 1 {
			t.Errorf("%s: status %d woken %v, want 200 and one wake", typ, code, f.woken)
		}
	}
	f := newFixture(t)
	unknown := strings.Replace(completed, "resp_known", "resp_nobody", 1)
	if code := f.post(headers("u", fixedNow, sign(rawKey, "u", fixedNow, unknown)), unknown); code != 200 || len(f.woken) != 0 {
		t.Errorf("unknown response: status %d woken %v, want 200 and no wake", code, f.woken)
	}
	other := `{"id":"evt_9","object":"event","created_at":1780000000,"type":"batch.completed","data":{"id":"batch_1"}}`
	if code := f.post(headers("b", fixedNow, sign(rawKey, "b", fixedNow, other)), other); code != 200 || len(f.woken) != 0 {
		t.Errorf("batch event: status %d woken %v, want 200 and no wake", code, f.woken)
	}
}

func TestLookupFailureLetsOpenAIRetry(t *testing.T) {
	f := newFixture(t)
	f.fail = errors.New("database is locked")
	h := headers("msg_r", fixedNow, sign(rawKey, "msg_r", fixedNow, completed))
	if code := f.post(h, completed); code != 500 {
		t.Fatalf("status %d, want 500 so the sender retries", code)
	}
	f.fail = nil
	if code := f.post(h, completed); code != 200 || len(f.woken) != 1 {
		t.Fatalf("retry: status %d woken %v, want 200 and one wake", code, f.woken)
	}
}

func TestRequestLimits(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("x", MaxBody+1)
	if code := f.post(headers("big", fixedNow, sign(rawKey, "big", fixedNow, big)), big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: status %d, want 413", code)
	}
	rec := httptest.NewRecorder()
	f.rc.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, Path, nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", rec.Code)
	}
	rec = httptest.NewRecorder()
	f.rc.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/other", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("other path: status %d, want 404", rec.Code)
	}
}

func TestNewReceiverNeedsSecret(t *testing.T) {
	if _, err := NewReceiver(Options{}); err == nil || !strings.Contains(err.Error(), "OPENAI_WEBHOOK_SECRET") {
		t.Fatalf("NewReceiver without secret: %v, want an error naming OPENAI_WEBHOOK_SECRET", err)
	}
}

func TestCheckListen(t *testing.T) {
	cases := []struct {
		addr, secret string
		ok           bool
	}{
		{"127.0.0.1:8787", "", true},
		{"localhost:8787", "", true},
		{"[::1]:8787", "", true},
		{"0.0.0.0:8787", "", false},
		{"0.0.0.0:8787", secret, true},
		{"192.0.2.10:8787", "", false},
		{"nonsense", secret, false},
	}
	for _, c := range cases {
		if err := CheckListen(c.addr, c.secret); (err == nil) != c.ok {
			t.Errorf("CheckListen(%q, secret=%v) = %v, want ok=%v", c.addr, c.secret != "", err, c.ok)
		}
	}
}

func TestServeStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, "127.0.0.1:0", http.NotFoundHandler(), func(a net.Addr) { addrc <- a.String() })
	}()
	addr := <-addrc
	resp, err := http.Get("http://" + addr + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve returned %v after cancel, want nil", err)
	}
}
