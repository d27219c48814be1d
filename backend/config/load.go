package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// LoadOptions are Load's inputs. Only Getenv is required.
type LoadOptions struct {
	Getenv           func(string) (string, bool) // os.LookupEnv in production
	WorkDir          string                      // where to look for .env ("" = skip that layer)
	DefaultDataDir   string
	DefaultConfigDir string
	// CheckModel checks DEEPR_MODEL once every other variable is resolved
	// (which models exist depends on them: the Azure deployment) and says
	// what is accepted; nil accepts any model name.
	CheckModel func(c Config, model string) error
	// Saved, when not nil, stands in for settings.json: Load then resolves
	// what a process started after saving it would run with, and
	// Config.SettingsProblems says what of it would be set aside.
	Saved map[string]string
}

// Load resolves every variable from its layers (see the package doc),
// validates it and returns the configuration.
//
// A bad value in the environment or a .env file is the user's own typing
// and stops the start: all such problems are reported together in one
// error (errors.Join), each naming the variable, the bad value (never for
// secrets) and what is accepted; the returned Config holds defaults where
// values were bad.
//
// What settings.json holds never stops a start, since the app wrote it: a
// value that is not valid, a name that cannot be saved there, or a file
// that cannot be read at all is set aside, each setting concerned uses its
// default, and Config.SettingsProblems says what was set aside and why.
func Load(o LoadOptions) (Config, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) (string, bool) { return "", false }
	}
	var errs []error
	var problems []Problem

	type layer struct {
		source string
		get    func(string) string
	}
	var layers []layer
	layers = append(layers, layer{SourceEnv, func(k string) string {
		v, _ := getenv(k)
		return strings.TrimSpace(v)
	}})
	if o.WorkDir != "" {
		m, err := ReadDotEnv(filepath.Join(o.WorkDir, ".env"))
		if err != nil {
			errs = append(errs, err)
		}
		layers = append(layers, layer{SourceDotEnv, fromMap(m)})
	}

	// The config dir comes first: it says where the next two layers are.
	configDir := o.DefaultConfigDir
	for _, l := range layers {
		if v := l.get("DEEPR_CONFIG_DIR"); v != "" {
			if p, err := folder(v, o.WorkDir); err == nil {
				configDir = p
			}
			break
		}
	}
	if configDir != "" {
		envPath := filepath.Join(configDir, ".env")
		if o.WorkDir == "" || !samePath(envPath, filepath.Join(o.WorkDir, ".env")) {
			m, err := ReadDotEnv(envPath)
			if err != nil {
				errs = append(errs, err)
			}
			m = without(m, "DEEPR_CONFIG_DIR")
			layers = append(layers, layer{SourceConfigEnv, fromMap(m)})
		}
		saved := o.Saved
		if saved == nil {
			m, err := LoadSettings(configDir)
			if err != nil {
				problems = append(problems, Problem{Setting: SettingsFile, Reason: err.Error()})
			}
			saved = m
		}
		usable, set := savedNames(saved)
		problems = append(problems, set...)
		layers = append(layers, layer{SourceSettings, fromMap(usable)})
	}

	c := Config{Source: map[string]string{}}
	for _, s := range specs() {
		def := s.Default
		switch s.Name {
		case "DEEPR_DATA_DIR":
			def = o.DefaultDataDir
		case "DEEPR_CONFIG_DIR":
			def = o.DefaultConfigDir
		}
		if def != "" {
			if err := s.set(&c, def, o); err != nil {
				errs = append(errs, fmt.Errorf("the default of %s (%q) is not valid: %v", s.Name, def, err))
			}
		}
		c.Source[s.Name] = SourceDefault
		for _, l := range layers {
			v := l.get(s.Name)
			if v == "" {
				continue
			}
			before := c
			err := s.set(&c, v, o)
			if err == nil && l.source == SourceSettings {
				err = savedRule(s.Name, v)
			}
			switch {
			case err == nil:
				c.Source[s.Name] = l.source
			case l.source == SourceSettings:
				c = before
				problems = append(problems, Problem{Setting: s.Name, Value: v, Reason: err.Error()})
			default:
				c = before
				c.Source[s.Name] = l.source
				errs = append(errs, invalid(s.Variable, v, l.source, err))
			}
			break
		}
	}
	if c.Source["DEEPR_MODEL"] == SourceDefault { // the catalogue in force may have moved its default
		c.Model = c.Catalog().DefaultModel().ID
	}
	if p, err := checkModel(&c, o); err != nil {
		errs = append(errs, err)
	} else if p != nil {
		problems = append(problems, *p)
	}
	c.SettingsProblems = sortProblems(problems)
	return c, errors.Join(errs...)
}

// checkModel checks DEEPR_MODEL with o.CheckModel against the rest of c.
// A saved model that no provider offers falls back to the default and is
// returned as a problem; a model from any other layer is an error.
func checkModel(c *Config, o LoadOptions) (*Problem, error) {
	if o.CheckModel == nil {
		return nil, nil
	}
	err := o.CheckModel(*c, c.Model)
	if err == nil {
		return nil, nil
	}
	s, _ := lookup("DEEPR_MODEL")
	switch src := c.Source[s.Name]; src {
	case SourceSettings:
		p := &Problem{Setting: s.Name, Value: c.Model, Reason: err.Error()}
		c.Model, c.Source[s.Name] = c.Catalog().DefaultModel().ID, SourceDefault
		if err := o.CheckModel(*c, c.Model); err != nil {
			return p, fmt.Errorf("the default of %s (%q) is not valid: %v", s.Name, c.Model, err)
		}
		return p, nil
	case SourceDefault:
		return nil, fmt.Errorf("the default of %s (%q) is not valid: %v", s.Name, c.Model, err)
	default:
		return nil, invalid(s.Variable, c.Model, src, err)
	}
}

// invalid is the one error message for a bad value.
func invalid(v Variable, value, source string, why error) error {
	from := ""
	switch source {
	case SourceDotEnv:
		from = " (from .env in the working directory)"
	case SourceConfigEnv:
		from = " (from .env in the config folder)"
	}
	if v.Secret {
		return fmt.Errorf("%s%s is not valid: %v", v.Name, from, why)
	}
	return fmt.Errorf("%s=%q%s is not valid: %v", v.Name, value, from, why)
}

func fromMap(m map[string]string) func(string) string {
	return func(k string) string { return strings.TrimSpace(m[k]) }
}

func without(m map[string]string, key string) map[string]string {
	delete(m, key)
	return m
}

func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
