package cost

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// MaxUSD bounds a budget or a per-job cap: far above any real spend, it
// catches a typo (an extra zero or two) before it means "no limit".
const MaxUSD = 1_000_000

// ParseUSD reads a positive number of dollars: "10", "12.50", "$7" or
// "0.5". Zero, negative numbers, NaN, infinities, more than MaxUSD and
// anything that is not a plain decimal number are refused with a message
// saying what is accepted (callers add the setting's or flag's name).
func ParseUSD(v string) (float64, error) {
	s := strings.TrimSpace(v)
	s = strings.TrimPrefix(s, "$")
	bad := fmt.Errorf("use a positive number of dollars, like 10 or 12.50 (at most %d)", MaxUSD)
	if s == "" || strings.ContainsAny(s, "eExXpP_+-") || strings.HasPrefix(strings.ToLower(s), "inf") || strings.HasPrefix(strings.ToLower(s), "nan") {
		return 0, bad
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 || f > MaxUSD {
		return 0, bad
	}
	return f, nil
}

// FormatUSD writes dollars for people: "$12.34", and four decimals for
// amounts under a cent ("$0.0042") so a small cost does not read as zero.
func FormatUSD(v float64) string {
	if v != 0 && math.Abs(v) < 0.01 {
		return "$" + strconv.FormatFloat(v, 'f', 4, 64)
	}
	return "$" + strconv.FormatFloat(v, 'f', 2, 64)
}

// Months are calendar months in UTC, written "YYYY-MM": the provider bills
// in UTC and every process must agree on which month a run belongs to.

// MonthOf returns the month of t, like "2025-03".
func MonthOf(t time.Time) string { return t.UTC().Format("2006-01") }

// ParseMonth reads "YYYY-MM" and returns the month's first instant and the
// next month's first instant (UTC): the month is [start, end).
func ParseMonth(v string) (start, end time.Time, err error) {
	s := strings.TrimSpace(v)
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return time.Time{}, time.Time{}, fmt.Errorf("month %q is not valid: write it as YYYY-MM, like 2025-03", v)
	}
	if t.Year() < 1970 || t.Year() > 2200 {
		return time.Time{}, time.Time{}, errors.New("month " + strconv.Quote(v) + " is not valid: use a year from 1970 to 2200")
	}
	return t, t.AddDate(0, 1, 0), nil
}
