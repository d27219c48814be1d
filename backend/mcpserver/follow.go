package mcpserver

import (
	"context"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// GetIn is get_research's arguments.
type GetIn struct {
	JobID       string `json:"job_id"`
	WaitSeconds int    `json:"wait_seconds,omitempty" jsonschema:"wait up to this many seconds (at most 30) for the job to change before answering; 0 answers at once"`
}

// ReportBrief is a finished job's report in brief.
type ReportBrief struct {
	Title   string   `json:"title"`
	Summary string   `json:"summary" jsonschema:"the report's first paragraphs, citing its sources as [n]"`
	Sources []Source `json:"sources"`
	URI     string   `json:"uri" jsonschema:"the whole report: read it as this resource or with read_report"`
}

// GetOut is get_research's answer.
type GetOut struct {
	JobView
	Changed bool         `json:"changed" jsonschema:"whether the job changed while waiting"`
	Report  *ReportBrief `json:"report,omitempty" jsonschema:"present once a report is saved"`
	failure
}

func (s *Server) get(ctx context.Context, req *mcp.CallToolRequest, in GetIn) (GetOut, []mcp.Content, error) {
	if in.WaitSeconds < 0 || in.WaitSeconds > MaxWaitSeconds {
		return GetOut{}, nil, &research.Error{Kind: research.ErrInvalid, Field: "wait_seconds",
			Msg: fmt.Sprintf("wait_seconds must be from 0 to %d, not %d: call get_research again to wait longer", MaxWaitSeconds, in.WaitSeconds)}
	}
	changes, stop := s.feed.watch() // before the first read: no change is missed
	defer stop()
	j, err := s.svc.Get(ctx, in.JobID)
	if err != nil {
		return GetOut{}, nil, err
	}
	changed := false
	if in.WaitSeconds > 0 && !research.Settled(j) {
		j, changed = s.wait(ctx, req, j, changes, time.Duration(in.WaitSeconds)*s.o.Second)
	}
	out := GetOut{JobView: viewOf(j), Changed: changed}
	msg := line(out.JobView)
	if j.HasReport {
		d, err := s.svc.Digest(ctx, j.ID)
		if err == nil {
			out.Report = &ReportBrief{Title: d.Title, Summary: d.Summary, Sources: sourcesOf(d.Sources), URI: ReportURI(j.ID)}
			msg += fmt.Sprintf("\n\n%s\n\n%s\n\n%d sources. The whole report: read_report {\"job_id\": %q} or %s", d.Title, d.Summary, len(d.Sources), j.ID, ReportURI(j.ID))
		}
	} else if j.Active {
		msg += fmt.Sprintf("\nStill working: call get_research again (wait_seconds up to %d).", MaxWaitSeconds)
	}
	content := text("%s", msg)
	if out.Report != nil {
		content = append(content, &mcp.ResourceLink{URI: out.Report.URI, Name: "report-" + j.ID, Title: out.Report.Title, MIMEType: "text/markdown"})
	}
	return out, content, nil
}

// wait waits for j to change, at most d and never past the call limit
// (less a margin to answer in), reporting progress to a client that asked
// for it. It returns the job as it is then, and whether it changed.
func (s *Server) wait(ctx context.Context, req *mcp.CallToolRequest, j job.Job, changes <-chan struct{}, d time.Duration) (job.Job, bool) {
	d = min(d, s.o.CallLimit-s.o.CallLimit/9)
	start := time.Now()
	timer := time.NewTimer(d)
	defer timer.Stop()
	tick := time.NewTicker(s.o.ProgressEvery)
	defer tick.Stop()
	s.progress(ctx, req, j, 0, d)
	for {
		select {
		case <-ctx.Done():
			return j, false
		case <-timer.C:
			return j, false
		case <-tick.C:
			s.progress(ctx, req, j, time.Since(start), d)
		case <-changes:
			now, err := s.svc.Get(ctx, j.ID)
			if err != nil { // deleted meanwhile: answer with what was known
				return j, true
			}
			if now.Version != j.Version {
				s.progress(ctx, req, now, time.Since(start), d)
				return now, true
			}
		}
	}
}

// progress sends a progress notification when the client asked for them
// (a progress token): seconds waited of the wait, and the job in a line.
func (s *Server) progress(ctx context.Context, req *mcp.CallToolRequest, j job.Job, waited, of time.Duration) {
	if req == nil || req.Session == nil || req.Params == nil {
		return
	}
	tok := req.Params.GetProgressToken()
	if tok == nil {
		return
	}
	sec := float64(s.o.Second)
	err := req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: tok,
		Progress: float64(waited) / sec, Total: float64(of) / sec, Message: line(viewOf(j))})
	if err != nil {
		s.o.Log.WithError(err).Debug("could not send a progress notification")
	}
}
