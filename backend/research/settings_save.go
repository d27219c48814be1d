package research

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/config"
)

// SaveSettings checks, saves and applies the settings at once. The whole
// resulting file is checked with start-up's own rules (Deps.Resolve: the
// same config.Load, the default model against every provider's models)
// before anything is written: a refused save writes nothing and names the
// field. Values saved earlier that start-up already sets aside (see
// SettingsView.SettingsProblems) are dropped, so saving clears the notice.
// Environment variables and .env files still win over saved settings
// (SettingsView.Locked names them). Webhooks cannot be switched on without
// a signing secret.
func (s *Service) SaveSettings(ctx context.Context, in SettingsInput) (SettingsView, error) {
	return s.SaveSettingsPatch(ctx, patchOf(in))
}

// writeSettings checks m with start-up's rules (checkSaved), writes it as
// settings.json and applies it: SaveSettings and SaveHelper end here.
func (s *Service) writeSettings(ctx context.Context, m map[string]string) (SettingsView, error) {
	m, err := s.checkSaved(m)
	if err != nil {
		return SettingsView{}, err
	}
	if err := config.SaveSettings(s.dirs.Config, m); err != nil {
		e := &Error{Kind: ErrInvalid, Msg: err.Error(), Err: err}
		if se := (*config.SettingError)(nil); errors.As(err, &se) {
			e.Field = fieldOf(se.Setting)
		}
		return SettingsView{}, e
	}
	if err := s.Reload(ctx); err != nil {
		return SettingsView{}, err
	}
	return s.Settings(), nil
}

// checkSaved resolves the configuration a process started after saving m
// would run with (Deps.Resolve, start-up's own Load). A value the Settings
// screen sent that start-up would set aside refuses the save (ErrInvalid
// naming its field, every such value in the message, one a line); what
// else start-up would set aside (an earlier value, a name that cannot be
// saved) is not in force already and is dropped from m.
func (s *Service) checkSaved(m map[string]string) (map[string]string, error) {
	if s.resolve == nil {
		return m, nil
	}
	cfg, err := s.resolve(m)
	if err != nil {
		return nil, &Error{Kind: ErrInvalid, Msg: err.Error(), Err: err}
	}
	var field string
	var refused []string
	for _, p := range cfg.SettingsProblems {
		if f := fieldOf(p.Setting); f != "" && !s.locked(p.Setting) {
			if field == "" {
				field = f
			}
			refused = append(refused, p.String())
			continue
		}
		delete(m, p.Setting)
	}
	if len(refused) > 0 {
		return nil, &Error{Kind: ErrInvalid, Field: field, Msg: strings.Join(refused, "\n")}
	}
	return m, nil
}

// fieldOf is the SettingsInput field (its JSON name) of a variable, or "".
func fieldOf(name string) string {
	for _, sv := range settingVars {
		if sv.name == name {
			return sv.field
		}
	}
	return ""
}

func setOrDelete(m map[string]string, k, v string) {
	if v = strings.TrimSpace(v); v == "" {
		delete(m, k)
	} else {
		m[k] = v
	}
}

// SettingProblem is a value of settings.json that is not in force: its
// setting uses the default instead (see config.Problem).
type SettingProblem struct {
	Setting string `json:"setting"` // the variable, or "settings.json" for the whole file
	Value   string `json:"value"`   // as saved; "" when not shown (a key, an unknown name)
	Reason  string `json:"reason"`  // why, and what is accepted
	Message string `json:"message"` // the whole line, as the doctor prints it
}

func settingProblems(ps []config.Problem) []SettingProblem {
	out := make([]SettingProblem, len(ps))
	for i, p := range ps {
		out[i] = SettingProblem{Setting: p.Setting, Value: p.Value, Reason: p.Reason, Message: p.String()}
	}
	return out
}

// settingsNotice is the one line Settings, Health and the doctor show when
// saved settings are set aside, or "" when every saved value is in force.
func settingsNotice(cfg config.Config) string {
	ps := cfg.SettingsProblems
	if len(ps) == 0 {
		return ""
	}
	fix := fmt.Sprintf("Saving the settings again writes a good file; or correct %s by hand.", config.SettingsPath(cfg.ConfigDir))
	if ps[0].Setting == config.SettingsFile {
		return "The saved settings could not be read, so every setting uses its default. " + fix
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Setting
	}
	what := "A saved setting could not be used"
	if len(ps) > 1 {
		what = fmt.Sprintf("%d saved settings could not be used", len(ps))
	}
	return fmt.Sprintf("%s, so the default is in force instead: %s. %s", what, strings.Join(names, ", "), fix)
}

// savedSettingsCheck is the doctor's line on settings.json: failed while
// start-up sets saved values aside, each named with its value and reason.
func savedSettingsCheck(cfg config.Config) Check {
	if len(cfg.SettingsProblems) == 0 {
		return Check{"saved settings", true, config.SettingsPath(cfg.ConfigDir) + ": every saved value is in force (or none is saved)"}
	}
	lines := make([]string, len(cfg.SettingsProblems))
	for i, p := range cfg.SettingsProblems {
		lines[i] = p.String()
	}
	return Check{"saved settings", false, settingsNotice(cfg) + " Set aside: " + strings.Join(lines, "; ")}
}

// ModelCheck is the check of the default model (DEEPR_MODEL) for
// config.LoadOptions.CheckModel, used by start-up and by SaveSettings
// alike: the model must be one that a provider of specs offers under the
// configuration (what a submission without a model resolves, see
// pickProvider). A retired model is refused naming its replacement;
// otherwise the error lists the models offered.
func ModelCheck(specs []ProviderSpec) func(cfg config.Config, model string) error {
	return func(cfg config.Config, model string) error {
		var ids []string
		seen := map[string]bool{}
		for _, sp := range specs {
			if m, ok := retiredModel(cfg, sp.Name, model); ok {
				return errors.New(retiredText(cfg, sp.Display, m))
			}
		}
		for _, sp := range specs {
			for _, m := range offer(cfg, sp) {
				if m.ID == model {
					return nil
				}
				if !seen[m.ID] {
					seen[m.ID] = true
					ids = append(ids, m.ID)
				}
			}
		}
		return fmt.Errorf("use a model one of the providers offers: %s", strings.Join(ids, ", "))
	}
}
