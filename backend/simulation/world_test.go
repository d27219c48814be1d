package simulation

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
	"pgregory.net/rapid"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakehttp"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/fakeperplexity"
	"github.com/deepr-desktop/deepr/backend/research"
)

// fake is one provider's fake server as the simulation handles it.
type fake struct {
	name   string // the provider's name in Deepr: openai, azure, gemini, perplexity
	ep     *endpoint
	runs   func() []fakehttp.Run
	end    func(id string)
	setKey func(k string) // the key the fake accepts from now on
	key    string         // the key it accepts now
	keys   int            // keys issued so far
}

// world is one simulated user's machine and providers: it outlives the
// processes that run on it (crash and restart open the same folders).
type world struct {
	t         *rapid.T
	ctx       context.Context
	clk       atomic.Pointer[clock] // the clock of the process running now
	root      string
	env       map[string]string
	fakes     map[string]*fake
	names     []string // provider names, OpenAI first
	svc       *research.Service
	procs     int     // processes started
	unplugged bool    // the disk under the report folders is gone (disk_test.go)
	db        *sql.DB // the oracle's own read-only look at the database
	m         *model

	saved   map[string]string  // the key saved in Deepr for each provider ("" none)
	trouble map[string]trouble // what went wrong with each provider in this process

	rndMu sync.Mutex
	rnd   *rand.Rand // the poller's jitter, seeded so a run replays
}

// start is the simulation's first instant: a fixed day, so runs replay.
var start = time.Date(2026, time.January, 27, 9, 0, 0, 0, time.UTC)

func newWorld(t *rapid.T) *world {
	root, err := os.MkdirTemp("", "deepr-sim-")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, ctx: context.Background(), root: root, fakes: map[string]*fake{}, m: newModel(),
		saved: map[string]string{}, trouble: map[string]trouble{}}
	w.clk.Store(newClock(start))
	t.Cleanup(w.close)
	now := func() time.Time { return w.now() }
	steps := rapid.IntRange(2, 12).Draw(t, "steps_to_finish")
	w.rnd = rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "jitter_seed"), 1))
	oa := fakeopenai.NewHandler(fakeopenai.Options{StepsToFinish: steps, Now: now})
	az := fakeopenai.NewHandler(fakeopenai.Options{StepsToFinish: steps, Now: now, Azure: true, IDPrefix: "resp_fakeazure"})
	ge := fakegemini.NewHandler(fakegemini.Options{StepsToFinish: steps, Now: now})
	px := fakeperplexity.NewHandler(fakeperplexity.Options{StepsToFinish: steps, Now: now})
	w.add(&fake{name: "openai", ep: newEndpoint(oa.Handler()), runs: oa.Runs, end: oa.End, setKey: oa.SetAPIKey})
	w.add(&fake{name: "gemini", ep: newEndpoint(ge.Handler()), runs: ge.Runs, end: ge.End, setKey: ge.SetAPIKey})
	w.add(&fake{name: "perplexity", ep: newEndpoint(px.Handler()), runs: px.Runs, end: px.End, setKey: px.SetAPIKey})
	w.add(&fake{name: "azure", ep: newEndpoint(az.Handler()), runs: az.Runs, end: az.End, setKey: az.SetAPIKey})
	w.env = map[string]string{
		"DEEPR_DATA_DIR":         filepath.Join(root, "data"),
		"DEEPR_CONFIG_DIR":       filepath.Join(root, "config"),
		"OPENAI_BASE_URL":        w.fakes["openai"].ep.URL() + "/v1",
		"GEMINI_BASE_URL":        w.fakes["gemini"].ep.URL(),
		"PERPLEXITY_BASE_URL":    w.fakes["perplexity"].ep.URL(),
		"AZURE_OPENAI_ENDPOINT":  w.fakes["azure"].ep.URL(),
		"DEEPR_POLL_CONCURRENCY": "1", // one provider call at a time: the fakes see them in a fixed order
	}
	if err := os.MkdirAll(filepath.Join(root, "work"), 0o700); err != nil {
		t.Fatal(err)
	}
	w.open()
	for _, n := range w.names { // the keychain is the process's: start without keys
		if _, err := w.svc.ClearKey(w.ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range w.names {
		w.issueKey(n)
		w.saveKey(n)
	}
	if rapid.Bool().Draw(t, "budget_at_start") { // the user set a budget first
		w.setBudget(rapid.SampledFrom([]float64{2, 5, 12, 40}).Draw(t, "budget"))
	}
	w.db, err = sql.Open("sqlite3", "file:"+w.svc.Dirs().Database()+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) add(f *fake) {
	w.fakes[f.name] = f
	w.names = append(w.names, f.name)
}

func (w *world) now() time.Time { return w.clk.Load().Now() }

func (w *world) jitter() float64 {
	w.rndMu.Lock()
	defer w.rndMu.Unlock()
	return w.rnd.Float64()
}

func (w *world) getenv(k string) (string, bool) {
	v, ok := w.env[k]
	return v, ok
}

// open starts a process on the world's folders, with a clock of its own
// that continues the world's time.
func (w *world) open() {
	w.procs++
	w.clk.Store(newClock(w.now()))
	svc, err := w.openProcess(fmt.Sprintf("sim process %d", w.procs))
	if err != nil {
		w.t.Fatalf("invariant restart: process %d cannot start from what is on disk: %v", w.procs, err)
	}
	w.svc = svc
	w.resetTrouble()
}

func (w *world) openProcess(holder string) (*research.Service, error) {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return engine.Open(engine.Options{Getenv: w.getenv, WorkDir: filepath.Join(w.root, "work"),
		Holder: holder, Log: l, Clock: w.clk.Load(), Rand: w.jitter})
}

// restart ends the running process without a clean shutdown (the lease
// is not given back) and starts another on the same folders.
func (w *world) restart() {
	if err := w.svc.Close(); err != nil {
		w.t.Fatalf("closing the crashed process: %v", err)
	}
	w.svc = nil
	w.open()
}

// canRestart checks that a process can start from what is on disk now
// (settings included), as a second process would, and closes it.
func (w *world) canRestart(after string) {
	svc, err := w.openProcess("restart probe")
	if err != nil {
		w.broken(w.t, "restart", "after %s, Deepr can no longer start from what is on disk: %v", after, err)
		return
	}
	if err := svc.Close(); err != nil {
		w.t.Fatalf("closing the restart probe: %v", err)
	}
}

func (w *world) close() {
	if w.svc != nil {
		_ = w.svc.Close()
	}
	if w.db != nil {
		_ = w.db.Close()
	}
	for _, f := range w.fakes {
		f.ep.close()
	}
	_ = os.RemoveAll(w.root)
}

// issueKey makes the provider accept a new key only (the old one is
// rejected from now on, as after a key is revoked).
func (w *world) issueKey(name string) {
	f := w.fakes[name]
	f.keys++
	f.key = fmt.Sprintf("sk-sim-%s-key-%04d", name, f.keys)
	f.setKey(f.key)
}

// saveKey saves the key the provider accepts in Deepr's Settings.
func (w *world) saveKey(name string) {
	if _, err := w.svc.SetKey(w.ctx, name, w.fakes[name].key); err != nil {
		w.t.Fatalf("saving the %s key: %v", name, err)
	}
	w.saved[name] = w.fakes[name].key
}
