package research

import (
	"fmt"
	"math"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// What AI assistants may spend (deepr mcp). A request marked Via
// job.ViaAssistant goes through the same budget check as any other and is
// recorded the same way, with its via; before that, this file's one rule
// applies: paid work only when the user allowed it (DEEPR_MCP_ALLOW_SPEND),
// and each call's high estimate within DEEPR_MCP_MAX_COST.

// checkVia refuses a via the service does not know.
func checkVia(via string) error {
	if via != "" && via != job.ViaAssistant {
		return invalid("via", "unknown via %q: leave it empty or use %q", via, job.ViaAssistant)
	}
	return nil
}

// spendOff is the refusal of paid work to an assistant.
func spendOff(what string) *Error {
	return &Error{Kind: ErrSpendOff, Field: "mcp_allow_spend",
		Msg: "Deepr's user has not allowed AI assistants to spend money, so " + what + " was refused and nothing was sent or billed. " +
			"Free tools still work (estimate_research, get_research, list_research, search_reports, read_report). " +
			"The user can allow it in Deepr's Settings (AI assistants) or with " + config.MCPAllowSpendSetting + "=true."}
}

// assistantCap applies the assistants' rule to a paid request: asked is
// the cap the request gave, what names the paid work ("this research
// run"). A research run from an assistant must give its cap (needCap); a
// helper call gives none and takes DEEPR_MCP_MAX_COST. It returns the cap
// the budget check applies (for a request not from an assistant, asked as
// it is).
func (s *Service) assistantCap(via string, asked float64, needCap bool, what string) (float64, error) {
	if err := checkVia(via); err != nil || via == "" {
		return asked, err
	}
	if !s.Config().MCPAllowSpend {
		return 0, spendOff(what)
	}
	return s.withinAssistantLimit(asked, needCap)
}

// assistantLimit is DEEPR_MCP_MAX_COST in force.
func (s *Service) assistantLimit() float64 {
	if l := s.Config().MCPMaxCostUSD; l > 0 {
		return l
	}
	return config.DefaultMCPMaxCostUSD
}

// withinAssistantLimit checks an assistant's cap against
// DEEPR_MCP_MAX_COST and returns the cap in force (the limit when none is
// asked and none is needed).
func (s *Service) withinAssistantLimit(asked float64, needCap bool) (float64, error) {
	limit := s.assistantLimit()
	switch {
	case math.IsNaN(asked) || math.IsInf(asked, 0) || asked < 0:
		return 0, invalid("max_cost_usd", "max_cost_usd must be a positive number of dollars, like 2 or 4.50")
	case asked == 0 && needCap:
		return 0, invalid("max_cost_usd", "give max_cost_usd: the most this run may cost, in dollars, at most %s (%s, set by the user)",
			fmt.Sprint(limit), config.MCPMaxCostSetting)
	case asked == 0:
		return limit, nil
	case asked > limit:
		return 0, invalid("max_cost_usd", "max_cost_usd %s is over the most an assistant may spend on one call, %s (%s, set by the user): give %s or less",
			cost.FormatUSD(asked), cost.FormatUSD(limit), config.MCPMaxCostSetting, fmt.Sprint(limit))
	}
	return asked, nil
}

// assistantEstimate applies the rule to an assistant's dry run: the cap
// is checked as a submit would check it (the limit when none is given),
// and when assistants may not spend the decision says so (not allowed,
// with why) instead of failing, so the estimate is still shown.
func (s *Service) assistantEstimate(in SubmitRequest) (SubmitRequest, func(*Decision), error) {
	if err := checkVia(in.Via); err != nil || in.Via == "" {
		return in, func(*Decision) {}, err
	}
	capUSD, err := s.withinAssistantLimit(in.MaxCostUSD, false)
	if err != nil {
		return in, nil, err
	}
	in.MaxCostUSD = capUSD
	if s.Config().MCPAllowSpend {
		return in, func(*Decision) {}, nil
	}
	return in, func(d *Decision) {
		d.Allowed = false
		d.Refusal = spendOff("a submit").Msg
	}, nil
}
