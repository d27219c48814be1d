package mcpserver

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestBoundedAnswersAtTheLimit: the bound around every tool call answers
// at the limit even when the work does not stop with its context (a
// provider call stuck past its own timeout); work that ends in time is
// answered as it ended.
func TestBoundedAnswersAtTheLimit(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	start := time.Now()
	_, _, err := bounded(context.Background(), 100*time.Millisecond, func(context.Context) (int, []mcp.Content, error) {
		<-release
		return 1, nil, nil
	})
	if took := time.Since(start); err == nil || !strings.Contains(err.Error(), "within") || took > 2*time.Second {
		t.Errorf("bounded = %v after %s; want the limit's error at the limit", err, took)
	}
	n, _, err := bounded(context.Background(), time.Minute, func(ctx context.Context) (int, []mcp.Content, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the work's context has no deadline")
		}
		return 7, nil, nil
	})
	if n != 7 || err != nil {
		t.Errorf("bounded = %d, %v; want the work's own answer", n, err)
	}
}
