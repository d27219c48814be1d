package openai

import (
	"context"
	"strings"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// Help calls the helper model: one Responses API request without
// background mode and without tools, answered at once, not stored at
// OpenAI. It is sent once (no SDK retries). Errors are *provider.Error
// classified as for a create; a helper call never creates anything that
// runs on, so the caller may simply report the failure.
func (p *Provider) Help(ctx context.Context, r provider.HelperRequest) (provider.HelperAnswer, error) {
	if err := ctx.Err(); err != nil {
		return provider.HelperAnswer{}, p.svc.Stopped(err)
	}
	if p.key == "" {
		return provider.HelperAnswer{}, p.svc.NoKey("create")
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.responses.New(ctx, helperParams(r), option.WithMaxRetries(0))
	if err != nil {
		return provider.HelperAnswer{}, p.fail("create", err)
	}
	snap, err := parseSnapshot([]byte(resp.RawJSON()))
	if err != nil {
		return provider.HelperAnswer{}, &provider.Error{Kind: provider.KindRejected, Op: "create", Err: err,
			Message: p.svc.Name + "'s answer could not be read (" + err.Error() + ")"}
	}
	if snap.Status != provider.StatusCompleted || strings.TrimSpace(snap.Report) == "" {
		msg := p.svc.Name + " gave no answer (status " + snap.Status + ")"
		if snap.ErrorMessage != "" {
			msg += ": " + snap.ErrorMessage
		} else if snap.IncompleteReason != "" {
			msg += ": " + snap.IncompleteReason
		}
		return provider.HelperAnswer{}, &provider.Error{Kind: provider.KindRejected, Op: "create", Message: msg}
	}
	return provider.HelperAnswer{ID: snap.ID, Text: snap.Report, Usage: snap.Usage, Model: snap.Model}, nil
}

// helperParams builds the helper's request: no background, no tools, not
// stored.
func helperParams(r provider.HelperRequest) responses.ResponseNewParams {
	p := responses.ResponseNewParams{
		Model: shared.ResponsesModel(r.Model),
		Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
			responses.ResponseInputItemParamOfMessage(r.Input, responses.EasyInputMessageRoleUser),
		}},
		Store: sdk.Bool(false),
	}
	if r.Instructions != "" {
		p.Instructions = sdk.String(r.Instructions)
	}
	if r.MaxOutputTokens > 0 {
		p.MaxOutputTokens = sdk.Int(int64(r.MaxOutputTokens))
	}
	if r.JSONSchema != nil {
		p.Text = responses.ResponseTextConfigParam{Format: responses.ResponseFormatTextConfigUnionParam{
			OfJSONSchema: &responses.ResponseFormatTextJSONSchemaConfigParam{
				Name: r.SchemaName, Schema: r.JSONSchema, Strict: sdk.Bool(true),
			}}}
	}
	return p
}
