package openai

import (
	"context"
	"encoding/json"

	"github.com/openai/openai-go/v3/option"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// ShutdownDates reads the shutdown date OpenAI publishes for each model
// (GET /v1/models/{id}, field shutdown_date: "YYYY-MM-DD" or null): model
// id -> date, "" when OpenAI names none. A model OpenAI does not have
// (404) is left out. Azure has no such endpoint: an Azure provider asks
// nothing and returns nil. The first failure stops the reading and is
// returned (a *provider.Error), with the dates read before it.
func (p *Provider) ShutdownDates(ctx context.Context, ids []string) (map[string]string, error) {
	if p.name == "azure" {
		return nil, nil
	}
	if p.key == "" {
		return nil, p.svc.NoKey("check")
	}
	out := map[string]string{}
	for _, id := range ids {
		date, err := p.shutdownDate(ctx, id)
		if err != nil {
			if provider.KindOf(err) == provider.KindRejected || provider.KindOf(err) == provider.KindNotFound {
				continue // no such model here
			}
			return out, err
		}
		out[id] = date
	}
	return out, nil
}

func (p *Provider) shutdownDate(ctx context.Context, id string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	var body []byte
	if _, err := p.models.Get(ctx, id, option.WithResponseBodyInto(&body)); err != nil {
		e := p.fail("check", err)
		if e.HTTPStatus == 404 {
			e.Kind = provider.KindNotFound
		}
		return "", e
	}
	var m struct {
		ShutdownDate *string `json:"shutdown_date"`
	}
	if err := json.Unmarshal(body, &m); err != nil || m.ShutdownDate == nil {
		return "", nil
	}
	return *m.ShutdownDate, nil
}
