//go:build !race

package export

// raceEnabled: see race_test.go.
const raceEnabled = false
