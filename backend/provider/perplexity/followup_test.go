package perplexity

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/deepr-desktop/deepr/backend/provider"
)

func TestFollowUpSendsTheReportAsMessages(t *testing.T) {
	fake, _, p := setup(t, 1)
	if _, err := p.Submit(context.Background(), provider.Request{Model: AsyncModel, JobID: "j2", Prompt: "deeper",
		Parent: &provider.Parent{ResponseID: "ignored", Prompt: "tea in Japan", Report: "Matcha is shade-grown."}}); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Request struct {
			Messages []message `json:"messages"`
		} `json:"request"`
	}
	if err := json.Unmarshal(fake.CreateRequests()[0], &body); err != nil {
		t.Fatal(err)
	}
	want := []message{{"user", "tea in Japan"}, {"assistant", "Matcha is shade-grown."}, {"user", "deeper"}}
	if !reflect.DeepEqual(body.Request.Messages, want) {
		t.Errorf("messages = %+v, want %+v", body.Request.Messages, want)
	}
}
