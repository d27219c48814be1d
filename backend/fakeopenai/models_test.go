package fakeopenai

import "testing"

// TestModelShutdownDateAndGone: GET /v1/models/{id} answers shutdown_date
// (null unless configured); a model listed as gone, or a prompt with
// [[fake:model-gone]], is answered 404 model_not_found and nothing is created.
func TestModelShutdownDateAndGone(t *testing.T) {
	s, c := newClient(t, Options{APIKey: key, ShutdownDates: map[string]string{"o4-mini-deep-research": "2027-01-15"},
		GoneModels: []string{"o1-deep-research"}})
	for id, want := range map[string]any{"o3-deep-research": nil, "o4-mini-deep-research": "2027-01-15"} {
		code, body := c.do("GET", "/v1/models/"+id, "")
		if sd, ok := body["shutdown_date"]; code != 200 || !ok || sd != want || body["id"] != id {
			t.Errorf("GET /v1/models/%s: %d %v; want shutdown_date %v", id, code, body, want)
		}
	}
	if s.ModelGets("o4-mini-deep-research") != 1 {
		t.Errorf("ModelGets = %d, want 1", s.ModelGets("o4-mini-deep-research"))
	}
	wantGone := func(what string, code int, body map[string]any) {
		t.Helper()
		e, _ := body["error"].(map[string]any)
		if code != 404 || e["code"] != "model_not_found" || e["type"] != "invalid_request_error" {
			t.Errorf("%s: %d %v; want 404 model_not_found", what, code, body)
		}
	}
	code, body := c.do("GET", "/v1/models/o1-deep-research", "")
	wantGone("GET of a gone model", code, body)
	code, body = c.do("POST", "/v1/responses", `{"model":"o1-deep-research","input":"tea","background":true}`)
	wantGone("create on a gone model", code, body)
	code, body = c.create("[[fake:model-gone]] tea")
	wantGone("create with the marker", code, body)
	if s.Creates() != 0 {
		t.Errorf("%d responses created, want none", s.Creates())
	}
}
