package job

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckTransitionTable(t *testing.T) {
	legal := map[[2]Status]bool{
		{Queued, Queued}: true, {Queued, Submitting}: true, {Queued, Cancelled}: true, {Queued, Failed}: true,
		{Submitting, Running}: true, {Submitting, Queued}: true, {Submitting, Failed}: true, {Submitting, Unconfirmed}: true,
		{Running, Running}: true, {Running, Completed}: true, {Running, Incomplete}: true, {Running, Failed}: true, {Running, Cancelled}: true,
		{Failed, Queued}: true, {Cancelled, Queued}: true,
		{Unconfirmed, Queued}: true, {Unconfirmed, Cancelled}: true, {Unconfirmed, Running}: true,
	}
	for _, from := range All {
		for _, to := range All {
			err := CheckTransition(from, to)
			want := legal[[2]Status{from, to}]
			if want && err != nil {
				t.Errorf("CheckTransition(%s, %s) = %v, want legal", from, to, err)
			}
			if !want {
				if err == nil {
					t.Errorf("CheckTransition(%s, %s) = nil, want illegal", from, to)
				} else if !errors.Is(err, ErrIllegalTransition) {
					t.Errorf("CheckTransition(%s, %s) error %v does not wrap ErrIllegalTransition", from, to, err)
				}
			}
		}
	}
}

func TestFinalStatesNeverChangeExceptResubmit(t *testing.T) {
	for _, s := range []Status{Completed, Incomplete} {
		for _, to := range All {
			if CheckTransition(s, to) == nil {
				t.Errorf("%s -> %s allowed; completed and incomplete must be terminal", s, to)
			}
		}
	}
	for _, s := range []Status{Failed, Cancelled, Unconfirmed} {
		if !s.Resubmittable() || CheckTransition(s, Queued) != nil {
			t.Errorf("%s must be resubmittable back to queued", s)
		}
	}
}

func TestStatusClasses(t *testing.T) {
	cases := []struct {
		s                    Status
		active, final, valid bool
	}{
		{Queued, true, false, true},
		{Submitting, true, false, true},
		{Running, true, false, true},
		{Completed, false, true, true},
		{Incomplete, false, true, true},
		{Failed, false, true, true},
		{Cancelled, false, true, true},
		{Unconfirmed, false, false, true},
		{"processing", false, false, false},
	}
	for _, c := range cases {
		if c.s.Active() != c.active || c.s.Final() != c.final || c.s.Valid() != c.valid {
			t.Errorf("%q: active=%v final=%v valid=%v, want %v %v %v", c.s, c.s.Active(), c.s.Final(), c.s.Valid(), c.active, c.final, c.valid)
		}
	}
}

func TestParseStatus(t *testing.T) {
	if s, err := ParseStatus(" Running "); err != nil || s != Running {
		t.Errorf("ParseStatus(Running) = %q, %v", s, err)
	}
	_, err := ParseStatus("done")
	if err == nil || !strings.Contains(err.Error(), "completed") {
		t.Errorf("ParseStatus(done) error = %v, want one listing the valid statuses", err)
	}
}

func TestTitleFrom(t *testing.T) {
	cases := []struct{ in, want string }{
		{"  Short question  ", "Short question"},
		{"First line\nsecond line", "First line"},
		{strings.Repeat("é", 100), strings.Repeat("é", 79) + "…"},
		{"", ""},
	}
	for _, c := range cases {
		if got := TitleFrom(c.in); got != c.want {
			t.Errorf("TitleFrom(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
