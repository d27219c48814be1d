package simulation

import (
	"flag"
	"os"
	"testing"

	"github.com/zalando/go-keyring"
	"pgregory.net/rapid"
)

// TestMain keeps the simulation away from the real OS keychain.
func TestMain(m *testing.M) {
	keyring.MockInit()
	os.Exit(m.Run())
}

// Defaults of make test's run: a fixed set of seeds (the base seed and
// the next checks-1), each a day-to-week of use. -rapid.seed,
// -rapid.checks and -rapid.steps override them (make sim-long). No fail
// file is written into the tree: a failure's seed replays it (the run is
// deterministic), unless -rapid.nofailfile=false is given.
const (
	defaultSeed   = "20261227"
	defaultChecks = "10"
	defaultSteps  = "150"
)

// TestDailyUse is the simulation of daily use (see the package doc).
func TestDailyUse(t *testing.T) {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, v := range map[string]string{"rapid.seed": defaultSeed, "rapid.checks": defaultChecks,
		"rapid.steps": defaultSteps, "rapid.nofailfile": "true"} {
		if !set[name] && os.Getenv("RAPID_"+envName(name)) == "" {
			if err := flag.Set(name, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		w := newWorld(t)
		t.Repeat(w.steps())
	})
}

// envName is rapid's environment variable for a flag: rapid.checks -> CHECKS.
func envName(flagName string) string {
	out := []byte(flagName[len("rapid."):])
	for i, c := range out {
		if 'a' <= c && c <= 'z' {
			out[i] = c - 'a' + 'A'
		}
	}
	return string(out)
}

// steps is the simulation's map of actions. A common step appears under
// several names (rapid draws names evenly), so a day has more submits,
// passes and waits than crashes.
func (w *world) steps() map[string]func(*rapid.T) {
	steps := map[string]func(*rapid.T){
		"cancel": w.cancel, "resubmit": w.resubmit, "edit": w.edit, "follow_up": w.followUp,
		"ask": w.ask, "clarify": w.clarify, "brief": w.brief, "delete": w.del, "dismiss": w.dismiss,
		"adopt": w.adopt, "key": w.key, "outage": w.outage, "jump": w.jump,
		"crash": w.crash, "crash_mid_call": w.crashMidCall, "disk": w.disk, "": w.check,
	}
	for _, n := range []string{"a", "b", "c", "d"} {
		steps["submit_"+n] = w.submit
		steps["wait_"+n] = w.wait
	}
	for _, n := range []string{"a", "b"} {
		steps["tick_"+n] = w.tick
		steps["settings_"+n] = w.settings
		steps["end_run_"+n] = w.endRun
	}
	return steps
}
