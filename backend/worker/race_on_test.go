//go:build race

package worker

// raceOn says the race detector is on: code then allocates more (about a
// third more when a big report is saved).
const raceOn = true
