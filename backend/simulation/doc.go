// Package simulation holds a simulation of daily use: a deterministic,
// seeded state-machine test (pgregory.net/rapid) that lives the way a
// person does, over days, against the real service and worker
// (engine.Open), the real SQLite store in a temporary folder, a fake clock
// moved by hand, and the in-repo fake providers (OpenAI, Azure OpenAI,
// Gemini, Perplexity) on loopback.
//
// Each step is drawn at random: submit on any provider and model with any
// options the form offers, estimate, cancel, resubmit, edit, follow up,
// ask, clarify, brief, delete, adopt, dismiss, change settings, remove or
// reject keys, provider faults and outages, the provider ending runs,
// poller passes, a process crash and restart, and clock jumps of minutes,
// hours and days. After every step the invariants of docs/architecture.md
// ("Invariants") are checked. A failure prints its seed and the shortest
// sequence of steps that still fails; -rapid.seed replays it:
//
//	go test -race -tags sqlite_fts5 ./backend/simulation -run TestDailyUse -rapid.seed=N -rapid.checks=1 -rapid.v
//
// make test runs a fixed set of seeds; make sim-long runs thousands.
// The package has no code outside its tests.
package simulation
