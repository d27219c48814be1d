//go:build !race

package worker

// raceOn says the race detector is on (see race_on_test.go).
const raceOn = false
