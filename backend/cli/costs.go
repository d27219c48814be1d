package cli

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// dryRun prints what a submit would cost and whether the budget lets it
// through; nothing is queued. Exit 0 if it would pass, 1 if not.
func (r *runner) dryRun(ctx context.Context, req research.SubmitRequest, asJSON bool) error {
	d, err := r.svc.Estimate(ctx, req)
	if err != nil {
		return err
	}
	if asJSON {
		if err := r.printJSON(d); err != nil {
			return err
		}
	} else {
		w := r.env.Stdout
		fmt.Fprintf(w, "Estimate  %s to %s (%s)\n", cost.FormatUSD(d.Estimate.LowUSD), cost.FormatUSD(d.Estimate.HighUSD), d.Estimate.Basis)
		if d.BudgetUSD != nil {
			fmt.Fprintf(w, "Budget    %s for %s\n", cost.FormatUSD(*d.BudgetUSD), d.Month)
		} else {
			fmt.Fprintf(w, "Budget    none (set DEEPR_MONTHLY_BUDGET to hold one)\n")
		}
		fmt.Fprintf(w, "Spent     %s, reserved %s by queued, running and unconfirmed jobs\n", cost.FormatUSD(d.SpentUSD), cost.FormatUSD(d.ReservedUSD))
		if d.MaxCostUSD != nil {
			fmt.Fprintf(w, "Cap       %s for this job\n", cost.FormatUSD(*d.MaxCostUSD))
		}
		if d.Allowed {
			fmt.Fprintln(w, "Result    would be queued (nothing was sent)")
		} else {
			fmt.Fprintln(w, "Result    would be refused: "+d.Refusal)
		}
		for _, n := range d.Notes {
			fmt.Fprintln(r.env.Stderr, "note: "+safe(n))
		}
	}
	if !d.Allowed {
		return errSilent
	}
	return nil
}

// costs prints a month's spending, by model, with the most expensive reports.
func (r *runner) costs(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("costs", flag.ContinueOnError)
	month := fs.String("month", "", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("costs takes no arguments (got %q)", pos[0])
	}
	if *month != "" {
		if _, _, err := cost.ParseMonth(*month); err != nil {
			return usagef("--month: %v", err)
		}
	}
	if err := r.open(""); err != nil {
		return err
	}
	sp, err := r.svc.Costs(ctx, *month)
	if err != nil {
		return err
	}
	if *asJSON {
		return r.printJSON(sp)
	}
	w := r.env.Stdout
	budget := "no budget (DEEPR_MONTHLY_BUDGET)"
	if sp.BudgetUSD != nil {
		budget = "of " + cost.FormatUSD(*sp.BudgetUSD)
	}
	fmt.Fprintf(w, "%s: %s spent %s; %s reserved by queued, running and unconfirmed jobs\n", sp.Month, cost.FormatUSD(sp.SpentUSD), budget, cost.FormatUSD(sp.ReservedUSD))
	if sp.AssistantUSD > 0 {
		fmt.Fprintf(w, "%s of it asked for by AI assistants (deepr mcp)\n", cost.FormatUSD(sp.AssistantUSD))
	}
	if len(sp.ByModel) > 0 {
		keys := make([]string, 0, len(sp.ByModel))
		for k := range sp.ByModel {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nMODEL\tJOBS\tATTEMPTS\tSPENT")
		for _, k := range keys {
			m := sp.ByModel[k]
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", cut(k, 50), m.JobCount, m.Attempts, cost.FormatUSD(m.SpentUSD))
		}
		_ = tw.Flush()
	}
	if len(sp.Top) > 0 {
		fmt.Fprintln(w, "\nMost expensive:")
		for _, j := range sp.Top {
			by := ""
			if j.Via == job.ViaAssistant {
				by = "  (assistant)"
			}
			fmt.Fprintf(w, "  %s  %8s  %s%s\n", safe(j.JobID), cost.FormatUSD(j.CostUSD), cut(j.Title, 60), by)
		}
	}
	if months, err := r.svc.SpendMonths(ctx); err == nil && len(months) > 1 {
		fmt.Fprintln(w, "\nMonths:")
		for _, m := range months {
			fmt.Fprintf(w, "  %s  %s (%d jobs)\n", m.Month, cost.FormatUSD(m.SpentUSD), m.JobCount)
		}
	}
	return nil
}
