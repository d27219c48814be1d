package worker

import (
	"fmt"

	"github.com/deepr-desktop/deepr/backend/job"
)

// goneMessage is the error of job j whose create the provider refused
// because its model does not exist there (provider.ModelGone): nothing was
// created or billed, so it fails at once and is never sent again; its next
// step is Edit and resubmit with another model. Config.Gone names the
// model to choose.
func (w *Worker) goneMessage(j job.Job) string {
	if w.cfg.Gone != nil {
		if msg := w.cfg.Gone(j); msg != "" {
			return msg
		}
	}
	name := displayName(j.Provider)
	return fmt.Sprintf("%s answered that %s does not exist: this model was retired by %s; choose another model. "+
		"Nothing was billed: edit the job and resubmit it with another model.", name, j.Model, name)
}
