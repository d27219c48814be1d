package fakehttp

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMarkersAndTopic(t *testing.T) {
	p := "Solar  [[fake:fail]] power [[fake:create-drop]]\nsecond line [[fake:unicode]] [[Fake:x]]"
	want := map[string]bool{"fail": true, "create-drop": true, "unicode": true}
	if got := Markers(p); !reflect.DeepEqual(got, want) {
		t.Errorf("Markers = %v, want %v", got, want)
	}
	if got := Topic(p); got != "Solar   power" {
		t.Errorf("Topic = %q", got)
	}
	if Topic("[[fake:fail]]") != "Research report" || utf8.RuneCountInString(Topic(strings.Repeat("é", 100))) != 80 {
		t.Error("Topic of an empty or long prompt")
	}
}

func TestJoinInRunesAndBytes(t *testing.T) {
	pieces := []Piece{{Text: "é中 "}, {Text: "cited 🚀", URL: "u", Title: "T"}, {Text: "."}}
	text, runes := Join(pieces, false)
	_, bytes := Join(pieces, true)
	if string([]rune(text)[runes[0].Start:runes[0].End]) != "cited 🚀" || text[bytes[0].Start:bytes[0].End] != "cited 🚀" {
		t.Errorf("spans %+v (runes) %+v (bytes) of %q", runes, bytes, text)
	}
	for _, marks := range []map[string]bool{{}, {"unicode": true}, {"hostile": true}} {
		parts := Report("Topic", marks)
		cited := 0
		for _, part := range parts {
			for _, p := range part {
				if p.URL != "" {
					cited++
				}
			}
		}
		if len(parts) == 0 || cited < 2 {
			t.Errorf("Report(%v): %d parts, %d cited pieces", marks, len(parts), cited)
		}
	}
}

func TestDropCutsTheAnswer(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Drop(w, r.URL.Query().Get("partial"))
	}))
	defer ts.Close()
	if _, err := http.Get(ts.URL); err == nil {
		t.Error("a dropped connection gave an answer")
	}
	resp, err := http.Get(ts.URL + "?partial=%7B%22id%22")
	if err != nil {
		t.Fatalf("partial: %v", err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 8192)
	n, _ := resp.Body.Read(buf)
	if _, err := resp.Body.Read(buf[n:]); err == nil || string(buf[:n]) != `{"id"` {
		t.Errorf("partial body %q, err %v; want the cut-off start and an error", buf[:n], err)
	}
}
