package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

func TestGetJobByProviderID(t *testing.T) {
	ctx := context.Background()
	st, err := Open(filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	j, err := st.CreateJob(ctx, job.Job{Prompt: "p", Provider: "openai", Model: "o3-deep-research"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetJobByProviderID(ctx, "resp_1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before submit: %v, want ErrNotFound", err)
	}
	for _, s := range []job.Status{job.Submitting, job.Running} {
		if _, err := st.Update(ctx, j.ID, func(c *job.Job) error {
			c.Status = s
			if s == job.Running {
				c.ProviderJobID = "resp_1"
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.GetJobByProviderID(ctx, "resp_1")
	if err != nil || got.ID != j.ID {
		t.Fatalf("GetJobByProviderID = %v, %v; want job %s", got.ID, err, j.ID)
	}
	if _, err := st.GetJobByProviderID(ctx, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty id: %v, want ErrNotFound", err)
	}
}
