package research

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// The models come from the model catalogue in force (config.Catalog: the
// built-in catalogue with DEEPR_MODELS applied). A provider offers its
// catalogue models that are not retired and whose API its client speaks
// (ProviderSpec.APIs), its default first; Azure offers its deployment.
// A retired model is never offered, accepted or sent (see retiredError
// and holdReason); a deprecated one is offered with its shutdown date,
// and with a warning from catalog.WarnDays before it (warning).

// ModelInfo describes a model the user can pick.
type ModelInfo struct {
	ID          string `json:"id"`
	Provider    string `json:"provider"`
	Label       string `json:"label"` // the display name
	Description string `json:"description"`
	// Default is true for the model its provider runs when none is named.
	Default bool `json:"default"`
	// API is the provider API it runs on (catalog.API).
	API string `json:"api"`
	// Lifecycle is stable, preview or deprecated (a retired model is
	// never listed); ShutdownDate (YYYY-MM-DD) is set for a deprecated one,
	// with the Replacement to move to.
	Lifecycle    string `json:"lifecycle"`
	ShutdownDate string `json:"shutdown_date"`
	Replacement  string `json:"replacement"`
	// Warning is what the window shows next to the model ("" : nothing),
	// from catalog.WarnDays days before its shutdown date.
	Warning string `json:"warning"`
	// Capabilities says which options it honours: a face offers only
	// those controls (and the service refuses the others).
	Capabilities provider.Capabilities `json:"capabilities"`
	// ToolCalls is the tool-call limit's range and default where the
	// model honours one (all zero otherwise), so no face copies them.
	ToolCalls ToolCallLimits `json:"tool_calls"`
}

// ToolCallLimits is the range a tool-call limit may take and its default.
type ToolCallLimits struct {
	Min     int `json:"min"`
	Max     int `json:"max"`
	Default int `json:"default"`
}

// Models lists the models of every provider, each provider's default first.
func (s *Service) Models() []ModelInfo {
	cfg := s.Config()
	var out []ModelInfo
	for _, sp := range s.specs {
		out = append(out, s.offered(cfg, sp)...)
	}
	return out
}

// offered lists the models a provider offers under cfg, its default
// first, each deprecated one with its warning at this moment.
func (s *Service) offered(cfg config.Config, sp ProviderSpec) []ModelInfo {
	ms := offer(cfg, sp)
	cat := cfg.Catalog()
	for i, mi := range ms {
		if m, ok := cat.Find(sp.Name, mi.ID); ok && m.Lifecycle == catalog.Deprecated {
			ms[i].Warning = s.warning(cat, m)
		}
	}
	return ms
}

// offer is offered without the warnings (which need the clock).
func offer(cfg config.Config, sp ProviderSpec) []ModelInfo {
	cat := cfg.Catalog()
	if sp.Deployment != nil { // Azure: the deployment, described by the model it stands for
		name := sp.Deployment(cfg)
		if name == "" {
			d, _ := cat.Default(sp.Name)
			name = d.ID
		}
		m, ok := cat.Resolve(sp.Name, name)
		if !ok || m.Retired() && m.ID == name {
			return nil
		}
		mi := modelInfo(cat, sp, m)
		mi.ID, mi.Label, mi.Default = name, name+" (Azure deployment)", true
		return []ModelInfo{mi}
	}
	var out []ModelInfo
	for _, m := range cat.Research(sp.Name) {
		if !m.Retired() && speaks(sp, m) {
			out = append(out, modelInfo(cat, sp, m))
		}
	}
	if len(out) == 0 {
		return out
	}
	// The catalogue's default, or when this build cannot send it, the
	// first model it can.
	d, _ := cat.Default(sp.Name)
	i := max(slices.IndexFunc(out, func(m ModelInfo) bool { return m.ID == d.ID }), 0)
	out[i].Default = true
	def := out[i]
	return append([]ModelInfo{def}, slices.Delete(out, i, i+1)...)
}

// speaks reports whether the provider's client runs m's API.
func speaks(sp ProviderSpec, m catalog.Model) bool {
	return len(sp.APIs) == 0 || slices.Contains(sp.APIs, m.API)
}

func modelInfo(cat *catalog.Catalog, sp ProviderSpec, m catalog.Model) ModelInfo {
	mi := ModelInfo{ID: m.ID, Provider: sp.Name, Label: m.Name, Description: m.Description, API: string(m.API),
		Lifecycle: string(m.Lifecycle), Capabilities: m.Honours}
	if m.Honours.MaxToolCalls {
		mi.ToolCalls = ToolCallLimits{Min: job.MinMaxToolCalls, Max: job.MaxMaxToolCalls, Default: job.DefaultMaxToolCalls}
	}
	if m.Lifecycle == catalog.Deprecated {
		mi.ShutdownDate, mi.Replacement = m.ShutdownDate, replacementOf(cat, m)
	}
	return mi
}

// replacementOf is the model to use instead of m: its replacement, or
// where that was retired in turn, what replaces it; "" when it has none.
func replacementOf(cat *catalog.Catalog, m catalog.Model) string {
	r, ok := cat.Find(m.Provider, m.Replacement)
	if m.Replacement == "" || !ok {
		return ""
	}
	return cat.Current(r).ID
}

// catalogModel returns the catalogue entry a job's provider and model
// stand for (an Azure deployment: the model it is billed as).
func catalogModel(cfg config.Config, prov, model string) (catalog.Model, bool) {
	return cfg.Catalog().Resolve(prov, model)
}

// capsOf is what a provider's model honours: its catalogue entry's, else
// (a model the catalogue does not know) its provider's default's; an
// unknown provider honours nothing.
func capsOf(cfg config.Config, prov, model string) provider.Capabilities {
	if m, ok := catalogModel(cfg, prov, model); ok {
		return m.Honours
	}
	if m, ok := cfg.Catalog().Default(prov); ok {
		return m.Honours
	}
	return provider.Capabilities{}
}

// honours is capsOf for a provider of this service; a provider it does
// not know honours nothing (the dearest estimate).
func (s *Service) honours(cfg config.Config, prov, model string) provider.Capabilities {
	if _, ok := s.spec(prov); !ok {
		return provider.Capabilities{}
	}
	return capsOf(cfg, prov, model)
}

// retiredModel returns the catalogue entry of a job's model when it is
// retired. Only the exact id counts: an Azure deployment is the user's
// name, and Azure, not the catalogue, knows what it runs.
func retiredModel(cfg config.Config, prov, model string) (catalog.Model, bool) {
	m, ok := cfg.Catalog().Find(prov, model)
	return m, ok && m.Retired() && m.Kind == catalog.Research
}

// retiredText says that a model is retired (by the provider named
// display) and what to use instead.
func retiredText(cfg config.Config, display string, m catalog.Model) string {
	return fmt.Sprintf("%s was retired by %s%s: choose %s instead", m.ID, display, onDate(m.ShutdownDate), replacementOf(cfg.Catalog(), m))
}

// retiredError refuses a retired model on the model field, naming the
// model to use instead; nil when the model is not retired.
func (s *Service) retiredError(cfg config.Config, prov, model string) error {
	if m, ok := retiredModel(cfg, prov, model); ok {
		return invalid("model", "%s; nothing was queued", retiredText(cfg, s.displayName(prov), m))
	}
	return nil
}

// holdReason is why the poller must not send a queued job ("" : it may
// go): its model was retired (by the catalogue or an override) after the
// job was queued, or the job was imported. Worker.Config.Hold.
func (s *Service) holdReason(j job.Job) string {
	cfg := s.Config()
	m, ok := retiredModel(cfg, j.Provider, j.Model)
	if !ok {
		return ""
	}
	return fmt.Sprintf("Held: %s was retired by %s%s, so this job is not sent (nothing was billed). Edit and resubmit it with %s.",
		m.ID, s.displayName(m.Provider), onDate(m.ShutdownDate), replacementOf(cfg.Catalog(), m))
}

func onDate(d string) string {
	if d == "" {
		return ""
	}
	return " on " + d
}

// warning is what the window and the doctor say about a deprecated model
// from catalog.WarnDays days before its shutdown date ("" before that).
func (s *Service) warning(cat *catalog.Catalog, m catalog.Model) string {
	now := s.now()
	if !m.Warns(now) {
		return ""
	}
	instead := "choose another model"
	if r := replacementOf(cat, m); r != "" {
		instead = "choose " + r + " instead"
	}
	name := s.displayName(m.Provider)
	switch days := m.DaysLeft(now); {
	case days > 1:
		return fmt.Sprintf("%s shuts %s down on %s (in %d days): %s.", name, m.ID, m.ShutdownDate, days, instead)
	case days == 1:
		return fmt.Sprintf("%s shuts %s down tomorrow (%s): %s.", name, m.ID, m.ShutdownDate, instead)
	case days == 0:
		return fmt.Sprintf("%s shuts %s down today (%s): %s.", name, m.ID, m.ShutdownDate, instead)
	default:
		return fmt.Sprintf("%s ended support for %s on %s; it may stop answering at any time: %s.", name, m.ID, m.ShutdownDate, instead)
	}
}

// modelIDs lists the ids of ms, joined for a message.
func modelIDs(ms []ModelInfo) string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return strings.Join(ids, ", ")
}

// withoutResubmit adapts a job's actions when its model is retired: it
// cannot be resubmitted as it is, only edited ("Edit and resubmit"), even
// while it is held in the queue.
func withoutResubmit(actions []job.Action) []job.Action {
	out := slices.DeleteFunc(slices.Clone(actions), func(a job.Action) bool { return a == job.ActionResubmit })
	if slices.Contains(out, job.ActionEdit) {
		return out
	}
	at := slices.Index(out, job.ActionDelete)
	if at < 0 {
		at = len(out)
	}
	return slices.Insert(out, at, job.ActionEdit)
}

// modelsCheck is the doctor's line on the models: it fails when the
// default model (DEEPR_MODEL) is near or past its shutdown date, or when
// queued jobs are held on retired models; a deprecated model that is only
// offered is named with its warning.
func (s *Service) modelsCheck(ctx context.Context, cfg config.Config) Check {
	var bad, notes []string
	for _, sp := range s.specs {
		for _, mi := range s.offered(cfg, sp) {
			switch {
			case mi.Warning == "":
			case mi.ID == cfg.Model:
				bad = append(bad, "The default model: "+mi.Warning+" Choose another default in Settings.")
			default:
				notes = append(notes, mi.Warning)
			}
		}
	}
	queued, err := s.st.ListJobs(ctx, store.ListFilter{Statuses: []job.Status{job.Queued}, Limit: MaxListLimit})
	if err != nil {
		return Check{"models", false, err.Error()}
	}
	held := 0
	for _, j := range queued {
		if s.holdReason(j) != "" {
			held++
		}
	}
	if held > 0 {
		bad = append(bad, fmt.Sprintf("%d queued job(s) on retired models are held and never sent: edit and resubmit them with the model named in the queue.", held))
	}
	source := "the catalogue of " + cfg.Catalog().AsOf()
	if len(cfg.ModelOverrides) > 0 {
		source += ", with " + catalog.Setting
	}
	detail := strings.Join(append(bad, notes...), " ")
	if detail == "" {
		detail = "every model offered is current (" + source + ")"
	} else {
		detail += " (" + source + ")"
	}
	return Check{"models", len(bad) == 0, detail}
}
