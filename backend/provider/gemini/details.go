package gemini

import (
	"strconv"
	"time"
)

// details is the details list of a Google error body:
// {"error":{"details":[{"@type":"...ErrorInfo","reason":"API_KEY_INVALID"},
// {"@type":"...RetryInfo","retryDelay":"30s"}]}}.
type details struct {
	Error struct {
		Details []struct {
			Type       string `json:"@type"`
			Reason     string `json:"reason"`
			RetryDelay string `json:"retryDelay"`
		} `json:"details"`
	} `json:"error"`
}

// reason reports whether an ErrorInfo detail has reason r.
func (d details) reason(r string) bool {
	for _, x := range d.Error.Details {
		if x.Reason == r {
			return true
		}
	}
	return false
}

// retryDelay is the RetryInfo delay ("30s", "1.5s"), or 0.
func (d details) retryDelay() time.Duration {
	for _, x := range d.Error.Details {
		if x.RetryDelay == "" {
			continue
		}
		if v, err := time.ParseDuration(x.RetryDelay); err == nil && v > 0 {
			return v
		}
	}
	return 0
}

// formatMs writes d in whole milliseconds, as Retry-After-Ms expects.
func formatMs(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
