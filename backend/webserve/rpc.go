package webserve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
)

// methods are the exported methods of the bound value (the window's App),
// found the way Wails binds them, so the browser and the window call the
// same list and nothing is listed twice.
type methods map[string]reflect.Value

var errorType = reflect.TypeFor[error]()

// bind lists v's exported methods whose results are none, a value, an
// error, or a value and an error (what Wails binds).
func bind(v any) methods {
	out := methods{}
	rv := reflect.ValueOf(v)
	for i := 0; i < rv.NumMethod(); i++ {
		m := rv.Type().Method(i)
		f := rv.Method(i)
		t := f.Type()
		if t.IsVariadic() || t.NumOut() > 2 || (t.NumOut() == 2 && t.Out(1) != errorType) {
			continue
		}
		out[m.Name] = f
	}
	return out
}

// maxArgs bounds the JSON arguments of one call (a prompt is at most 100 KB).
const maxArgs = 1 << 20

// callError is the body of a refused call; the browser rejects the promise
// with Error, as the window does with a Go error's message.
type callError struct {
	Error string `json:"error"`
}

// serveCall runs POST /api/call/{method}: the body is a JSON array of the
// arguments; the answer is the method's value as JSON, or 422 with the
// error it returned, as errorText writes it.
func (ms methods) serveCall(w http.ResponseWriter, r *http.Request, errorText func(error) string) {
	name := r.PathValue("method")
	f, ok := ms[name]
	if !ok {
		writeJSON(w, http.StatusNotFound, callError{fmt.Sprintf("there is no method %q", name)})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxArgs)
	var raw []json.RawMessage
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&raw); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, callError{fmt.Sprintf("the arguments are over %d bytes", maxArgs)})
			return
		}
		writeJSON(w, http.StatusBadRequest, callError{"the body must be a JSON array of the arguments: " + err.Error()})
		return
	}
	t := f.Type()
	if len(raw) != t.NumIn() {
		writeJSON(w, http.StatusBadRequest, callError{fmt.Sprintf("%s takes %d arguments, got %d", name, t.NumIn(), len(raw))})
		return
	}
	args := make([]reflect.Value, len(raw))
	for i, a := range raw {
		p := reflect.New(t.In(i))
		if len(bytes.TrimSpace(a)) > 0 && !bytes.Equal(bytes.TrimSpace(a), []byte("null")) {
			if err := json.Unmarshal(a, p.Interface()); err != nil {
				writeJSON(w, http.StatusBadRequest, callError{fmt.Sprintf("argument %d of %s: %v", i+1, name, err)})
				return
			}
		}
		args[i] = p.Elem()
	}
	out := f.Call(args)
	if n := len(out); n > 0 && out[n-1].Type() == errorType {
		if err, _ := out[n-1].Interface().(error); err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, callError{errorText(err)})
			return
		}
		out = out[:n-1]
	}
	if len(out) == 0 {
		writeJSON(w, http.StatusOK, nil)
		return
	}
	writeJSON(w, http.StatusOK, out[0].Interface())
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"the answer could not be encoded"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}
