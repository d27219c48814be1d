package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ParseKeyed reads a JSON object of "provider/model" keys to values of T,
// the form of the settings that override the catalogue (DEEPR_MODELS) and
// the prices (DEEPR_PRICES). Unknown fields, text after the object and
// null are errors that say how to write it: what names the values ("prices"),
// example is a whole object. It returns the keys sorted, for errors in a
// stable order; checking the keys and values is the caller's.
func ParseKeyed[T any](s, what, example string) (map[string]T, []string, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var raw map[string]T
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf(`it is not a JSON object of "provider/model" to %s (%v); write it like %s`, what, err, example)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, errors.New("it has text after the JSON object; write one object")
	}
	if raw == nil {
		return nil, nil, fmt.Errorf("it is null; write a JSON object like %s, or leave it empty", example)
	}
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	return raw, names, nil
}

// WriteKeyed writes m back as compact JSON with sorted keys (encoding/json
// sorts them), the form a settings file keeps; "" when m is empty.
func WriteKeyed[T any](m map[string]T) string {
	if len(m) == 0 {
		return ""
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return ""
	}
	return strings.TrimSpace(buf.String())
}
