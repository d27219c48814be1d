package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/deepr-desktop/deepr/backend/research"
)

func (r *runner) cancel(ctx context.Context, args []string) error {
	id, err := r.idCommand("cancel", args)
	if err != nil {
		return err
	}
	res, err := r.svc.Cancel(ctx, id)
	if err != nil {
		return err
	}
	if res.Warning != "" {
		fmt.Fprintf(r.env.Stderr, "warning: %s\n", safe(res.Warning))
	}
	r.printState(res.Job)
	return nil
}

func (r *runner) resubmit(ctx context.Context, args []string) error {
	id, err := r.idCommand("resubmit", args)
	if err != nil {
		return err
	}
	j, err := r.svc.Resubmit(ctx, id)
	if err != nil {
		return err
	}
	r.printState(j)
	return nil
}

func (r *runner) dismiss(ctx context.Context, args []string) error {
	id, err := r.idCommand("dismiss", args)
	if err != nil {
		return err
	}
	j, err := r.svc.Dismiss(ctx, id)
	if err != nil {
		return err
	}
	r.printState(j)
	return nil
}

func (r *runner) delete(ctx context.Context, args []string) error {
	id, err := r.idCommand("delete", args)
	if err != nil {
		return err
	}
	j, err := r.svc.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := r.svc.Delete(ctx, j.ID); err != nil {
		return err
	}
	fmt.Fprintln(r.env.Stdout, safe(j.ID), "deleted")
	return nil
}

func (r *runner) check(ctx context.Context, args []string) error {
	id, err := r.idCommand("check", args)
	if err != nil {
		return err
	}
	res, err := r.svc.CheckNow(ctx, id)
	if err != nil {
		return err
	}
	r.printState(res.Job)
	fmt.Fprintln(r.env.Stderr, safe(res.Message))
	return nil
}

func (r *runner) adopt(ctx context.Context, args []string) error {
	pos, err := parse(flag.NewFlagSet("adopt", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("adopt takes a job ID and a RESPONSE_ID (got %d arguments)", len(pos))
	}
	if err := r.open(""); err != nil {
		return err
	}
	j, err := r.svc.Adopt(ctx, research.AdoptRequest{ID: pos[0], ResponseID: pos[1]})
	if err != nil {
		return err
	}
	r.printState(j)
	return nil
}
