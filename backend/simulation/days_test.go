package simulation

import (
	"sort"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/deepr-desktop/deepr/backend/research"
)

// The rest of a day: settings, keys, the providers' faults and ends of
// runs, the poller's passes, the clock, and process crashes.

// settings saves the Settings screen with some values changed, as the
// form sends them all back.
func (w *world) settings(t *rapid.T) {
	v := w.svc.Settings()
	in := research.SettingsInput{PollIntervalSeconds: v.PollIntervalSeconds, MaxRunning: v.MaxRunning,
		DefaultModel: v.DefaultModel, Notifications: v.Notifications, UseWebhooks: v.UseWebhooks,
		WebhookListen: v.WebhookListen, WebhookURL: v.WebhookURL, MonthlyBudgetUSD: v.MonthlyBudgetUSD,
		Prices: v.Prices, Theme: v.Theme, CloseAction: v.CloseAction, StartAtLogin: v.StartAtLogin}
	switch rapid.SampledFrom([]string{"budget", "budget", "model", "interval", "running", "look"}).Draw(t, "setting") {
	case "budget":
		in.MonthlyBudgetUSD = w.drawBudget(t)
	case "model":
		ms := w.svc.Models()
		in.DefaultModel = ms[rapid.IntRange(0, len(ms)-1).Draw(t, "default_model")].ID
	case "interval":
		in.PollIntervalSeconds = rapid.SampledFrom([]int{1, 10, 30, 60, 600, 3600}).Draw(t, "poll_interval")
	case "running":
		in.MaxRunning = rapid.SampledFrom([]int{1, 2, 3, 10, 50}).Draw(t, "max_running")
	case "look":
		in.Theme = rapid.SampledFrom([]string{"system", "light", "dark"}).Draw(t, "theme")
		in.CloseAction = rapid.SampledFrom([]string{"keep-tracking", "quit"}).Draw(t, "close_action")
		in.Notifications = rapid.Bool().Draw(t, "notifications")
		in.StartAtLogin = rapid.Bool().Draw(t, "start_at_login")
	}
	_, err := w.svc.SaveSettings(w.ctx, in)
	t.Logf("save settings (budget $%g, model %s, interval %ds, running %d): %v",
		in.MonthlyBudgetUSD, in.DefaultModel, in.PollIntervalSeconds, in.MaxRunning, err)
	w.m.budget = w.svc.Config().MonthlyBudgetUSD
	w.canRestart("saving settings")
}

// setBudget saves a monthly budget in Settings, the rest as shown.
func (w *world) setBudget(usd float64) {
	v := w.svc.Settings()
	_, err := w.svc.SaveSettings(w.ctx, research.SettingsInput{PollIntervalSeconds: v.PollIntervalSeconds,
		MaxRunning: v.MaxRunning, DefaultModel: v.DefaultModel, Notifications: v.Notifications,
		MonthlyBudgetUSD: usd, Theme: v.Theme, CloseAction: v.CloseAction})
	if err != nil {
		w.t.Fatalf("saving a budget of $%g: %v", usd, err)
	}
	w.m.budget = w.svc.Config().MonthlyBudgetUSD
}

// drawBudget draws a monthly budget: none, a round figure, or just above
// what is spent and reserved now (room for a run or two, or a helper call).
func (w *world) drawBudget(t *rapid.T) float64 {
	switch rapid.SampledFrom([]string{"none", "round", "tight"}).Draw(t, "budget_kind") {
	case "none":
		return 0
	case "round":
		return rapid.SampledFrom([]float64{2, 5, 12, 40, 100}).Draw(t, "budget")
	}
	tot := w.totals()
	room := rapid.SampledFrom([]float64{0.003, 0.005, 0.01, 0.5, 3}).Draw(t, "budget_room")
	return float64(int((tot.spent+tot.reserved+room)*1000)+1) / 1000
}

// key removes a provider's key, saves a wrong one, has the provider
// revoke it, or saves the right one again.
func (w *world) key(t *rapid.T) {
	name := rapid.SampledFrom(w.names).Draw(t, "key_provider")
	var err error
	switch what := rapid.SampledFrom([]string{"remove", "wrong", "revoke", "save"}).Draw(t, "key_change"); what {
	case "remove":
		_, err = w.svc.ClearKey(w.ctx, name)
		w.saved[name] = ""
	case "wrong":
		w.saved[name] = "sk-sim-wrong-" + name + "-key-0000"
		_, err = w.svc.SetKey(w.ctx, name, w.saved[name])
	case "revoke":
		w.issueKey(name)
	case "save":
		w.saved[name] = w.fakes[name].key
		_, err = w.svc.SetKey(w.ctx, name, w.saved[name])
	}
	w.noteTrouble(name, w.saved[name] != w.fakes[name].key, false)
	t.Logf("key of %s changed: %v", name, err)
	if err != nil {
		t.Fatalf("changing the %s key: %v", name, err)
	}
	w.canRestart("a key change")
}

// outage switches one provider's outage on or off.
func (w *world) outage(t *rapid.T) {
	name := rapid.SampledFrom(w.names).Draw(t, "outage_provider")
	modes := []string{upMode, upMode, downMode, resetMode, busyMode}
	if name == "perplexity" { // its client resends an ambiguous create after real seconds: keep runs fast
		modes = []string{upMode, downMode}
	}
	m := rapid.SampledFrom(modes).Draw(t, "outage_mode")
	w.setMode(t, name, m)
	w.noteTrouble(name, false, m != upMode)
	t.Logf("%s is %s", name, m)
}

func (w *world) setMode(t *rapid.T, name, m string) {
	if err := w.fakes[name].ep.setMode(m); err != nil {
		t.Fatalf("switching %s to %s: %v", name, m, err)
	}
}

// endRun has a provider end one of its runs on its own (the research is
// done), whoever polls it.
func (w *world) endRun(t *rapid.T) {
	var ids []string
	for _, name := range w.names {
		for _, r := range w.fakes[name].runs() {
			if !r.Ended && !r.Helper {
				ids = append(ids, name+"/"+r.ID)
			}
		}
	}
	if len(ids) == 0 {
		t.SkipNow()
	}
	sort.Strings(ids)
	id := rapid.SampledFrom(ids).Draw(t, "end_run")
	name, rid, _ := strings.Cut(id, "/")
	w.fakes[name].end(rid)
	t.Logf("%s ended run %s", name, rid)
}

// tick runs one poller pass now.
func (w *world) tick(t *rapid.T) {
	if err := w.svc.Tick(w.ctx); err != nil {
		w.broken(t, "pass", "a poller pass failed: %v", err)
	}
}

// wait lets time run to the poller's next check (a heartbeat when none is
// planned), then runs the pass.
func (w *world) wait(t *rapid.T) {
	d := 10 * time.Second
	if h := w.svc.Health(); h.NextCheck != nil && h.NextCheck.After(w.now()) {
		d = h.NextCheck.Sub(w.now())
	}
	w.clk.Load().advance(d)
	t.Logf("waited %s", d)
	w.tick(t)
}

// jump moves the clock on by minutes, hours or days, or to the next
// month. It lands on a round time (a quarter hour, an hour, 09:00, the
// first of the month), so a run replays to the same instants whatever
// the jitter of the waits before it.
func (w *world) jump(t *rapid.T) {
	now := w.now()
	var to time.Time
	switch rapid.SampledFrom([]string{"minutes", "hours", "days", "month"}).Draw(t, "jump") {
	case "minutes":
		to = now.Truncate(15 * time.Minute).Add(time.Duration(rapid.IntRange(1, 3).Draw(t, "quarters")) * 15 * time.Minute)
	case "hours":
		to = now.Truncate(time.Hour).Add(time.Duration(rapid.IntRange(1, 23).Draw(t, "hours")) * time.Hour)
	case "days":
		to = time.Date(now.Year(), now.Month(), now.Day()+rapid.IntRange(1, 3).Draw(t, "days"), 9, 0, 0, 0, time.UTC)
	case "month":
		to = time.Date(now.Year(), now.Month()+1, 1, 0, 0, 30, 0, time.UTC)
	}
	d := to.Sub(now)
	w.clk.Load().advance(d)
	t.Logf("clock moved %s to %s", d, w.now().Format(time.RFC3339))
}

// crash kills the process without a clean shutdown and starts another.
func (w *world) crash(t *rapid.T) {
	w.restart()
	t.Logf("process crashed; process %d started", w.procs)
}

// crashMidCall kills the process while a call to one provider is under
// way: the provider did the work (a create made its run), the answer never
// came back. The next process starts on what is on disk.
func (w *world) crashMidCall(t *rapid.T) {
	name := rapid.SampledFrom(w.names).Draw(t, "provider_mid_call")
	ep := w.fakes[name].ep
	if ep.getMode() != upMode {
		t.SkipNow()
	}
	held, release := ep.hold()
	done := make(chan error, 1)
	svc := w.svc
	go func() { done <- svc.Tick(w.ctx) }()
	select {
	case <-held:
		// The process dies with the call in flight: nothing it had left
		// to do reaches a provider (its calls are refused) or the disk.
		_ = svc.Close()
		modes := map[string]string{name: upMode}
		for _, n := range w.names {
			if n != name {
				modes[n] = w.fakes[n].ep.getMode()
				w.setMode(t, n, downMode)
			}
		}
		w.setMode(t, name, resetMode)
		release()
		<-done
		for _, n := range w.names {
			w.setMode(t, n, modes[n])
		}
		w.svc = nil
		w.open()
		t.Logf("process crashed during a call to %s; process %d started", name, w.procs)
	case err := <-done: // the pass made no call to that provider
		w.setMode(t, name, upMode)
		release()
		if err != nil {
			w.broken(t, "pass", "a poller pass failed: %v", err)
		}
		w.restart()
		t.Logf("process crashed (no call to %s was under way); process %d started", name, w.procs)
	}
}
