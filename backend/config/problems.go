package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// SettingsFile is the name of the file, in the config folder, that holds
// the settings saved by the app.
const SettingsFile = "settings.json"

// Problem is something settings.json holds that is not in force: a value
// that is not valid (its setting uses the default instead), a name that
// cannot be saved there, or the file itself when it cannot be read (then
// Setting is SettingsFile and every saved setting uses its default).
type Problem struct {
	Setting string // the variable's name, or SettingsFile
	Value   string // as saved; "" when it is not shown (a key, an unknown name)
	Reason  string // why it is set aside, and what is accepted
}

// String is the problem in one line: `DEEPR_MAX_RUNNING="0" is not valid:
// use a whole number from 1 to 50`.
func (p Problem) String() string {
	switch {
	case p.Setting == SettingsFile:
		return p.Reason
	case unsavable(p.Setting) != "":
		return p.Setting + " in " + SettingsFile + " is ignored: " + p.Reason
	}
	return fmt.Sprintf("%s=%q is not valid: %s", p.Setting, p.Value, p.Reason)
}

func (p Problem) error() error { return &SettingError{p} }

// SettingError is a value refused by SaveSettings; errors.As finds it in
// the joined error, so a face can say which setting it names.
type SettingError struct{ Problem }

func (e *SettingError) Error() string { return e.Problem.String() }

// unsavable says why a name cannot be kept in settings.json ("" when it
// can): unknown names, secrets (they belong in the OS keychain) and the
// config folder (it says where that file is).
func unsavable(name string) string {
	s, ok := lookup(name)
	switch {
	case !ok:
		return "it is not a Deepr setting (the names are listed in docs/configuration.md)"
	case s.Secret:
		return "keys and secrets are never kept there: save it in Settings (it goes to the OS keychain) or set it in the environment"
	case name == "DEEPR_CONFIG_DIR":
		return "the file cannot say where it is itself: set DEEPR_CONFIG_DIR in the environment or in .env"
	}
	return ""
}

// savedRule is what settings.json asks of a value beyond its variable's
// own rule: a data folder there must be absolute (no working directory
// applies to a file the app wrote).
func savedRule(name, v string) error {
	if name == "DEEPR_DATA_DIR" && !filepath.IsAbs(v) {
		return errors.New("use an absolute folder path")
	}
	return nil
}

// savedNames splits saved values into those Load may use and the problems
// of the names that cannot be saved. Empty values mean "not set".
func savedNames(m map[string]string) (map[string]string, []Problem) {
	usable := make(map[string]string, len(m))
	var out []Problem
	for k, v := range m {
		if strings.TrimSpace(v) == "" {
			continue
		}
		if why := unsavable(k); why != "" {
			p := Problem{Setting: k, Reason: why}
			if s, ok := lookup(k); ok && !s.Secret {
				p.Value = v
			}
			out = append(out, p)
			continue
		}
		usable[k] = v
	}
	return usable, out
}

// sortProblems puts problems in documentation order: the file first, then
// the variables as Variables lists them, then unknown names by name.
func sortProblems(ps []Problem) []Problem {
	if len(ps) == 0 {
		return nil
	}
	rank := map[string]int{SettingsFile: -1}
	for i, v := range Variables() {
		rank[v.Name] = i
	}
	order := func(p Problem) int {
		if r, ok := rank[p.Setting]; ok {
			return r
		}
		return len(rank)
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if a, b := order(ps[i]), order(ps[j]); a != b {
			return a < b
		}
		return ps[i].Setting < ps[j].Setting
	})
	return ps
}
