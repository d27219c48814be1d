package research

import (
	"fmt"

	"github.com/deepr-desktop/deepr/backend/job"
)

// goneReason is the error of a job whose create the provider refused
// because its model does not exist there (any more): the provider retired
// it before the catalogue says so. It names the model to choose instead
// (replacement) and how to stop offering the model (catalog.Setting).
// Worker.Config.Gone.
func (s *Service) goneReason(j job.Job) string {
	name := s.displayName(j.Provider)
	instead := s.replacementFor(j.Provider, j.Model)
	with := "it with " + instead
	if instead == "" {
		instead, with = "another model", "it with another model"
	}
	return fmt.Sprintf("%s answered that %s does not exist: this model was retired by %s; choose %s. "+
		"Nothing was billed: edit the job and resubmit %s. The model list in Settings can mark %s retired "+
		"so that it is no longer offered.", name, j.Model, name, instead, with, j.Model)
}

// replacementFor is the model to use instead of a provider's model that
// the provider no longer has: the catalogue's replacement, else the
// provider's default model, else another model it offers ("" : none).
func (s *Service) replacementFor(prov, model string) string {
	cfg := s.Config()
	if m, ok := catalogModel(cfg, prov, model); ok {
		if r := replacementOf(cfg.Catalog(), m); r != "" && r != model {
			return r
		}
	}
	sp, ok := s.spec(prov)
	if !ok {
		return ""
	}
	offered := s.offered(cfg, sp)
	for _, mi := range offered {
		if mi.Default && mi.ID != model {
			return mi.ID
		}
	}
	for _, mi := range offered {
		if mi.ID != model {
			return mi.ID
		}
	}
	if d, ok := cfg.Catalog().Default(prov); ok && d.ID != model {
		return d.ID
	}
	return ""
}
