package provider

import "github.com/deepr-desktop/deepr/backend/job"

// HelperRequest is one call of the cheap helper model: a plain (not
// background) request that answers at once, with no tools.
type HelperRequest struct {
	Model        string
	Instructions string // the system/developer message
	Input        string // the user message
	// MaxOutputTokens bounds the answer (and so its cost); 0: the
	// provider's default.
	MaxOutputTokens int
	// JSONSchema, when set, asks for a JSON answer matching the schema
	// named SchemaName (structured output).
	SchemaName string
	JSONSchema map[string]any
}

// HelperAnswer is what the helper model answered.
type HelperAnswer struct {
	ID    string // the provider's response id
	Text  string
	Usage job.Usage
	Model string // the model the provider says answered, when it says
}
