//go:build race

package export

// raceEnabled: the race detector slows the export about twentyfold, so
// the tests that measure size (the 5 MB line) use a fifth of it under
// make test; plain go test and make bench use the whole.
const raceEnabled = true
