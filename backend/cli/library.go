package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/research"
)

// export writes one report in a format, or the whole library into a folder.
func (r *runner) export(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "md", "")
	output := fs.String("output", "", "")
	all := fs.Bool("all", false, "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *output == "" {
		return usagef("export needs --output FILE (or --output DIR with --all)")
	}
	if *all {
		if len(pos) > 0 {
			return usagef("export --all takes no job ID")
		}
		if err := r.open(""); err != nil {
			return err
		}
		res, err := r.svc.ExportLibrary(ctx, *output)
		if *asJSON && err == nil {
			return r.printJSON(res)
		}
		if res.Dir != "" {
			fmt.Fprintf(r.env.Stdout, "%d reports exported to %s\n", len(res.Reports), safe(res.Dir))
		}
		return err
	}
	id, err := oneArg("export", pos, "job ID")
	if err != nil {
		return err
	}
	known := false
	for _, f := range research.ExportFormats() {
		known = known || strings.EqualFold(strings.TrimPrefix(*format, "."), f)
	}
	if !known {
		return usagef("--format must be one of %s (got %q)", strings.Join(research.ExportFormats(), ", "), *format)
	}
	if err := r.open(""); err != nil {
		return err
	}
	res, err := r.svc.ExportReport(ctx, research.ExportRequest{ID: id, Format: *format, Output: *output})
	if err != nil {
		return err
	}
	if res.Warning != "" {
		fmt.Fprintf(r.env.Stderr, "warning: %s\n", safe(res.Warning))
	}
	if *asJSON {
		return r.printJSON(res)
	}
	fmt.Fprintf(r.env.Stdout, "%s (%s, %d bytes)\n", safe(res.Path), res.Format, res.Bytes)
	return nil
}

// importDir takes report folders into the library.
func (r *runner) importDir(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	dir, err := oneArg("import", pos, "folder")
	if err != nil {
		return err
	}
	if err := r.open(""); err != nil {
		return err
	}
	res, err := r.svc.ImportLibrary(ctx, dir)
	if err != nil {
		return err
	}
	if *asJSON {
		return r.printJSON(res)
	}
	fmt.Fprintf(r.env.Stdout, "%d imported, %d already in the library, %d damaged\n", len(res.Imported), len(res.Skipped), len(res.Damaged))
	renamed := 0
	for _, e := range res.Imported {
		if e.OriginID != "" {
			renamed++
		}
		if e.Reason != "" {
			fmt.Fprintf(r.env.Stderr, "note: %s (job %s): %s\n", safe(e.Folder), safe(e.JobID), safe(e.Reason))
		}
	}
	if renamed > 0 {
		fmt.Fprintf(r.env.Stderr, "note: %d imported reports had ids Deepr does not make and have new ones; `deepr status ID` shows the old id\n", renamed)
	}
	for _, d := range res.Damaged {
		fmt.Fprintf(r.env.Stderr, "skipped %s: %s\n", safe(d.Folder), safe(d.Reason))
	}
	return nil
}
