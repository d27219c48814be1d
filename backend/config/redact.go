package config

// Redacted returns a copy safe to display or log: each secret is replaced
// by "set, ending …abcd" (only "set" for short values) or "not set".
func (c Config) Redacted() Config {
	r := c
	r.Source = make(map[string]string, len(c.Source))
	for k, v := range c.Source {
		r.Source[k] = v
	}
	r.OpenAIAPIKey = Hint(c.OpenAIAPIKey)
	r.WebhookSecret = Hint(c.WebhookSecret)
	r.GeminiAPIKey = Hint(c.GeminiAPIKey)
	r.PerplexityAPIKey = Hint(c.PerplexityAPIKey)
	r.AzureAPIKey = Hint(c.AzureAPIKey)
	return r
}

// Hint describes a secret without revealing it: "not set", "set" or, for
// values of 12 characters or more, "set, ending …" and the last four.
func Hint(secret string) string {
	switch r := []rune(secret); {
	case len(r) == 0:
		return "not set"
	case len(r) < 12:
		return "set"
	default:
		return "set, ending …" + string(r[len(r)-4:])
	}
}
