package cost

import (
	"testing"
	"time"
)

func TestParseUSD(t *testing.T) {
	good := map[string]float64{"10": 10, "12.50": 12.5, " $7 ": 7, "0.5": 0.5, ".25": 0.25, "1000000": 1e6}
	for in, want := range good {
		if got, err := ParseUSD(in); err != nil || got != want {
			t.Errorf("ParseUSD(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "0.00", "-5", "+5", "1e3", "0x10", "NaN", "inf", "Infinity", "ten", "10 USD", "1,000", "1_000", "$", "1000000.01"} {
		if got, err := ParseUSD(in); err == nil {
			t.Errorf("ParseUSD(%q) = %v, want an error", in, got)
		}
	}
}

func TestFormatUSD(t *testing.T) {
	for v, want := range map[float64]string{0: "$0.00", 12.345: "$12.35", 0.0042: "$0.0042", 0.01: "$0.01", 38.52: "$38.52"} {
		if got := FormatUSD(v); got != want {
			t.Errorf("FormatUSD(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestMonths(t *testing.T) {
	if got := MonthOf(time.Date(2025, 3, 31, 23, 30, 0, 0, time.FixedZone("X", -2*3600))); got != "2025-04" {
		t.Errorf("MonthOf(2025-03-31 23:30 -02:00) = %q, want 2025-04 (months are UTC)", got)
	}
	start, end, err := ParseMonth("2025-12")
	if err != nil || !start.Equal(time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)) || !end.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseMonth(2025-12) = %v, %v, %v", start, end, err)
	}
	for _, bad := range []string{"", "2025-3", "2025-13", "25-03", "2025/03", "2025-03-01", "1969-12"} {
		if _, _, err := ParseMonth(bad); err == nil {
			t.Errorf("ParseMonth(%q): want an error", bad)
		}
	}
}
