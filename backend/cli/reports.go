package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

func (r *runner) show(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	format := fs.String("format", "md", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	id, err := oneArg("show", pos, "job ID")
	if err != nil {
		return err
	}
	switch *format {
	case "md", "html", "json":
	default:
		return usagef("--format must be md, html or json (got %q)", *format)
	}
	if err := r.open(""); err != nil {
		return err
	}
	if *format == "json" {
		d, err := r.svc.ReportJSON(ctx, id)
		if err != nil {
			return err
		}
		return r.printJSON(struct {
			job.Job
			Report    string              `json:"report"`
			Citations []job.Citation      `json:"citations"`
			Questions []research.Question `json:"questions"`
		}{d.Job, d.Markdown, d.Citations, d.Questions})
	}
	text, j, err := r.svc.RenderReport(ctx, id, *format)
	if err != nil {
		return err
	}
	if j.Status == job.Incomplete {
		fmt.Fprintf(r.env.Stderr, "note: this report is incomplete: %s\n", termSafe(j.Error, false))
	}
	if *format == "md" {
		text = termSafe(text, true)
	} else {
		text += "\n"
	}
	if _, err = io.WriteString(r.env.Stdout, text); err != nil || *format != "md" {
		return err
	}
	qs, err := r.svc.Questions(ctx, j.ID)
	if err != nil {
		return err
	}
	r.printQuestions(qs)
	return nil
}

func (r *runner) search(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	limit := fs.Int("limit", 20, "")
	offset := fs.Int("offset", 0, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(pos, " "))
	if q == "" {
		return usagef("search needs a QUERY")
	}
	if *limit < 1 || *limit > 200 {
		return usagef("--limit must be between 1 and 200")
	}
	if *offset < 0 {
		return usagef("--offset must be 0 or more (the number of matches to skip)")
	}
	if err := r.open(""); err != nil {
		return err
	}
	res, err := r.svc.Search(ctx, research.SearchRequest{Query: q, Limit: *limit, Offset: *offset})
	if err != nil {
		return err
	}
	if *asJSON {
		type hit struct {
			job.Job
			Snippet string `json:"snippet"`
		}
		out := struct {
			Total  int   `json:"total"`
			Offset int   `json:"offset"`
			Hits   []hit `json:"hits"`
		}{res.Total, *offset, make([]hit, 0, len(res.Hits))}
		for _, h := range res.Hits {
			out.Hits = append(out.Hits, hit{h.Job, h.Snippet})
		}
		return r.printJSON(out)
	}
	if len(res.Hits) == 0 {
		if res.Total > 0 {
			fmt.Fprintf(r.env.Stdout, "%s match %q; --offset %d is past the last one.\n", reportCount(res.Total), termSafe(q, false), *offset)
		} else {
			fmt.Fprintf(r.env.Stdout, "No saved report matches %q.\n", termSafe(q, false))
		}
		return nil
	}
	for _, h := range res.Hits {
		fmt.Fprintf(r.env.Stdout, "%s  %s  %s\n    %s\n", safe(h.Job.ID), h.Job.CreatedAt.Local().Format("2006-01-02"),
			cut(h.Job.Title(), 70), termSafe(h.Marked("[", "]"), false))
	}
	fmt.Fprintf(r.env.Stderr, "(%d-%d of %s", *offset+1, *offset+len(res.Hits), reportCount(res.Total))
	if res.HasMore {
		fmt.Fprintf(r.env.Stderr, "; --offset %d shows the next", *offset+len(res.Hits))
	}
	fmt.Fprintln(r.env.Stderr, ")")
	return nil
}
