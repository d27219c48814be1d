package cost

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDecide(t *testing.T) {
	est := func(high float64) Range { return Range{LowUSD: high / 4, HighUSD: high} }
	cases := []struct {
		name                string
		b                   Budget
		spent, reserved, hi float64
		allowed             bool
		perJob              bool
		msg                 []string
	}{
		{"no limits", Budget{}, 1000, 1000, 50, true, false, nil},
		{"under the budget", Budget{MonthlyUSD: 10}, 3, 2, 4, true, false, nil},
		{"exactly the budget", Budget{MonthlyUSD: 10}, 3, 2, 5, true, false, nil},
		{"float noise at the edge", Budget{MonthlyUSD: 0.3}, 0.1, 0.2, 0, true, false, nil},
		{"over by a cent", Budget{MonthlyUSD: 10}, 3, 2, 5.01, false, false,
			[]string{"up to $5.01", "in 2025-03", "$3.00 is spent", "$2.00 is reserved", "monthly budget of $10.00", "($5.00 left)", "budget in Settings"}},
		{"spent alone is over", Budget{MonthlyUSD: 10}, 38.52, 0, 0.5, false, false, []string{"$38.52 is spent", "($0.00 left)"}},
		{"reserved counts", Budget{MonthlyUSD: 10}, 0, 9.5, 1, false, false, []string{"$9.50 is reserved"}},
		{"under the cap", Budget{MaxCostUSD: 5}, 0, 0, 4.99, true, false, nil},
		{"over the cap", Budget{MaxCostUSD: 2, MonthlyUSD: 100}, 0, 0, 4.2, false, true, []string{"up to $4.20", "cost cap of $2.00", "Raise the cap"}},
		{"the cap is checked before the budget", Budget{MaxCostUSD: 2, MonthlyUSD: 1}, 5, 0, 4.2, false, true, []string{"cost cap"}},
	}
	for _, c := range cases {
		d := Decide(c.b, "2025-03", c.spent, c.reserved, est(c.hi))
		err := d.Err()
		if d.Allowed != c.allowed || (err == nil) != c.allowed {
			t.Errorf("%s: allowed %v (err %v), want %v", c.name, d.Allowed, err, c.allowed)
			continue
		}
		if c.allowed {
			if d.Refusal != "" {
				t.Errorf("%s: allowed but Refusal = %q", c.name, d.Refusal)
			}
			continue
		}
		var be *BudgetError
		if !errors.As(err, &be) || !errors.Is(err, ErrOverBudget) {
			t.Fatalf("%s: error %T %v is not a *BudgetError matching ErrOverBudget", c.name, err, err)
		}
		if be.PerJob != c.perJob || be.SpentUSD != c.spent || be.ReservedUSD != c.reserved || be.EstimateUSD != c.hi || be.Month != "2025-03" {
			t.Errorf("%s: BudgetError %+v does not carry the numbers", c.name, be)
		}
		if d.Refusal != err.Error() {
			t.Errorf("%s: Refusal %q differs from the error %q", c.name, d.Refusal, err)
		}
		// For people, not one face (issue 25): no variable names, a
		// capital first, and no "Nothing was submitted" (an estimate
		// refuses before anything is tried).
		if msg := err.Error(); strings.Contains(msg, "DEEPR_") || strings.Contains(msg, " --") || strings.Contains(msg, "Nothing was submitted") ||
			strings.ToUpper(msg[:1]) != msg[:1] {
			t.Errorf("%s: message %q is written for one face", c.name, msg)
		}
		for _, m := range c.msg {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: message %q does not contain %q", c.name, err, m)
			}
		}
	}
}

func TestDecisionJSON(t *testing.T) {
	b, _ := json.Marshal(Decide(Budget{}, "2025-03", 1.5, 0, Range{LowUSD: 1, HighUSD: 2, Basis: "x"}))
	want := `{"month":"2025-03","budget_usd":null,"spent_usd":1.5,"reserved_usd":0,"estimate":{"low_usd":1,"high_usd":2,"basis":"x","samples":0},"max_cost_usd":null,"allowed":true}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(Decide(Budget{MonthlyUSD: 10, MaxCostUSD: 3}, "2025-03", 0, 0, Range{HighUSD: 2}))
	if !strings.Contains(string(b), `"budget_usd":10,`) || !strings.Contains(string(b), `"max_cost_usd":3,`) {
		t.Errorf("JSON %s does not carry the budget and cap", b)
	}
}

func TestAlertDue(t *testing.T) {
	cases := []struct {
		name          string
		budget, spent float64
		month, last   string
		want          bool
	}{
		{"no budget", 0, 100, "2025-03", "", false},
		{"under 80%", 10, 7.99, "2025-03", "", false},
		{"at 80%", 10, 8, "2025-03", "", true},
		{"over the budget", 10, 12, "2025-03", "", true},
		{"already sent this month", 10, 9, "2025-03", "2025-03", false},
		{"sent last month", 10, 9, "2025-04", "2025-03", true},
	}
	for _, c := range cases {
		if got := AlertDue(c.budget, c.spent, c.month, c.last); got != c.want {
			t.Errorf("%s: AlertDue(%v, %v, %q, %q) = %v, want %v", c.name, c.budget, c.spent, c.month, c.last, got, c.want)
		}
	}
}
