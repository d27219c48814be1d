package job

// Action names one thing a user can do with a job. The names are part of
// the CLI's JSON and the UI's contract.
type Action = string

// The actions, in the order a face shows them.
const (
	ActionCheck    Action = "check"     // ask the provider for news now
	ActionCancel   Action = "cancel"    // stop it (locally first, then at the provider)
	ActionOpen     Action = "open"      // read the saved report text
	ActionFollowUp Action = "follow_up" // go deeper: a new job that continues from this report
	ActionResubmit Action = "resubmit"  // a new attempt of the same request
	ActionEdit     Action = "edit"      // a new job from this one's request, edited first
	ActionAdopt    Action = "adopt"     // track a provider response id found elsewhere
	ActionDismiss  Action = "dismiss"   // give up on an unconfirmed run without resending it
	ActionDelete   Action = "delete"    // remove the job, its report and its folder
)

// ActionsFor derives what can be done with a job in status s from the
// transition table, so no face re-derives the state machine. hasText says
// whether a report text is saved (an incomplete run may have none); "open"
// is offered only then. Every job that is neither being sent nor running
// can be deleted or dismissed.
func ActionsFor(s Status, hasText bool) []Action {
	can := func(to Status) bool { return CheckTransition(s, to) == nil }
	out := []Action{}
	if s.Active() && s != Submitting {
		out = append(out, ActionCheck)
	}
	if s != Unconfirmed && can(Cancelled) {
		out = append(out, ActionCancel)
	}
	if hasText {
		out = append(out, ActionOpen)
	}
	if hasText && (s == Completed || s == Incomplete) {
		out = append(out, ActionFollowUp)
	}
	if !s.Active() && can(Queued) {
		out = append(out, ActionResubmit)
	}
	if !s.Active() {
		out = append(out, ActionEdit)
	}
	if s == Unconfirmed && can(Running) {
		out = append(out, ActionAdopt)
	}
	if s == Unconfirmed && can(Cancelled) {
		out = append(out, ActionDismiss)
	}
	if Deletable(s) {
		out = append(out, ActionDelete)
	}
	return out
}

// Deletable reports whether a job in status s may be deleted: anything
// but a job being sent or running at the provider (cancel it first).
func Deletable(s Status) bool { return s != Submitting && s != Running }

// Can reports whether action a is among ActionsFor(s, hasText).
func Can(s Status, hasText bool, a Action) bool {
	for _, x := range ActionsFor(s, hasText) {
		if x == a {
			return true
		}
	}
	return false
}

// ActionsOf is ActionsFor(j.Status, hasText) for one job: a running job
// whose cancel was already requested (CancelRequestedAt) is not offered
// cancel again while the provider finishes it.
func ActionsOf(j Job, hasText bool) []Action {
	out := ActionsFor(j.Status, hasText)
	if j.Status != Running || j.CancelRequestedAt == nil {
		return out
	}
	kept := out[:0]
	for _, a := range out {
		if a != ActionCancel {
			kept = append(kept, a)
		}
	}
	return kept
}

// Derive fills what a face reads of a job without re-deriving it: its
// actions, whether it is active, whether a report text is saved and its
// title. The research service calls it for every job it hands out.
func Derive(j Job, hasText bool) Job {
	j.Actions = ActionsOf(j, hasText)
	j.Active = j.Status.Active()
	j.Final = j.Status.Final()
	j.HasReport = hasText
	j.DisplayTitle = j.Title()
	return j
}
