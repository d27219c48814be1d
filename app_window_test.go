package main

import (
	"testing"

	"github.com/deepr-desktop/deepr/backend/config"
)

func TestDecideClose(t *testing.T) {
	keep, quit := config.CloseKeepTracking, config.CloseQuit
	for _, tc := range []struct {
		name     string
		quitting bool
		action   string
		active   bool
		shown    bool
		want     closeChoice
	}{
		{"no active job quits", false, keep, false, true, closeQuit},
		{"no active job quits, even the first time", false, keep, false, false, closeQuit},
		{"active, first close: ask", false, keep, true, false, closeAsk},
		{"active, already explained: hide", false, keep, true, true, closeHide},
		{"active, DEEPR_CLOSE_ACTION=quit", false, quit, true, false, closeQuit},
		{"explicit quit wins", true, keep, true, true, closeQuit},
	} {
		if got := decideClose(tc.quitting, tc.action, tc.active, tc.shown); got != tc.want {
			t.Errorf("%s: decideClose = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestStartHidden(t *testing.T) {
	if !startHidden([]string{"--hidden"}) || startHidden(nil) || startHidden([]string{"-assetdir", "x"}) {
		t.Fatal("startHidden must be true exactly when --hidden is passed")
	}
}
