//go:build e2e

package e2e

// The daily-use rough edges of issue 25, in headless Chromium against the
// real Go backend: each view opens at its top, the Library's Back restores
// its scroll and selection, Esc and Alt+Left go back from a report, ticking
// a row moves no row, and with the theme saved as dark no frame is ever
// painted light.

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// fillLibrary submits n jobs through the binding and waits until every one
// has a report.
func (s *session) fillLibrary(n int) {
	s.t.Helper()
	for i := range n {
		s.submit(fmt.Sprintf("Heat pumps in cold climates, part %d", i+1))
	}
	s.waitJS(90*time.Second, fmt.Sprintf("%d completed reports", n),
		`window.go.main.App.ListJobs({statuses: ['completed'], limit: 0}).then(js => (js || []).length >= `+fmt.Sprint(n)+`)`)
}

func (s *session) scrollTop() float64 {
	return eval[float64](s, `document.querySelector('[data-scroller]').scrollTop`)
}

func TestWindowViewsOpenAtTopAndBackRestoresTheLibrary(t *testing.T) {
	s := newSessionEnv(t, true, "DEEPR_MAX_RUNNING=30")
	s.fillLibrary(30)
	s.do(chromedp.EmulateViewport(1100, 640))

	s.click("nav-library")
	s.waitJS(10*time.Second, "the library's hits", `document.querySelectorAll('[data-testid="search-hit"]').length >= 20`)
	eval[bool](s, `(document.querySelector('[data-scroller]').scrollTop = 600, true)`)
	time.Sleep(200 * time.Millisecond) // the scroll event reaches the library store
	before := s.scrollTop()
	if before < 300 {
		t.Fatalf("the library did not scroll (scrollTop %v): too few hits to test with", before)
	}
	// Open the first hit in view, by keyboard focus then Enter, as a person would.
	hit := eval[string](s, `(() => { const box = document.querySelector('[data-scroller]').getBoundingClientRect();
		const h = [...document.querySelectorAll('[data-testid="search-hit"]')].find(e => e.getBoundingClientRect().top > box.top + 40);
		h.focus(); h.click(); return h.dataset.jobId || h.getAttribute('data-job-id') || h.textContent; })()`)
	s.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="report-body"]`)))
	if top := s.scrollTop(); top != 0 {
		t.Errorf("the report opened at scrollTop %v; want its top", top)
	}

	// Esc goes back, to the library where it was.
	s.key("Escape", false)
	s.waitJS(10*time.Second, "back in the library", `!!document.querySelector('[data-testid="library-search"]') && !document.querySelector('[data-testid="report-body"]')`)
	s.waitJS(5*time.Second, "the library's scroll restored", fmt.Sprintf(`Math.abs(document.querySelector('[data-scroller]').scrollTop - %v) < 4`, before))
	if hit == "" {
		t.Fatal("no hit was opened")
	}

	// Alt+Left goes back too.
	eval[bool](s, `(document.querySelectorAll('[data-testid="search-hit"]')[0].click(), true)`)
	s.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="report-body"]`)))
	eval[bool](s, `(document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowLeft', altKey: true, bubbles: true})), true)`)
	s.waitJS(10*time.Second, "back by Alt+Left", `!document.querySelector('[data-testid="report-body"]')`)

	// Every other view opens at its top, whatever the last one's scroll.
	for _, v := range []string{"nav-queue", "nav-settings", "nav-new", "nav-queue"} {
		eval[bool](s, `(document.querySelector('[data-scroller]').scrollTop = 500, true)`)
		s.click(v)
		s.waitJS(5*time.Second, v+" at its top", `document.querySelector('[data-scroller]').scrollTop === 0`)
	}

	// The Spend view's tables fit their cards at the default and the
	// minimum window size (main.go: 1240x800 and 860x560).
	for _, size := range [][2]int64{{1240, 800}, {860, 560}} {
		s.do(chromedp.EmulateViewport(size[0], size[1]))
		s.click("nav-spend")
		s.waitJS(10*time.Second, "the spend tables", `!!document.querySelector('[data-testid="spend-jobs"]') && !!document.querySelector('[data-testid="spend-by-model"]')`)
		over := eval[[]string](s, `[...document.querySelectorAll('[data-testid="spend-view"] table')].filter(t => {
			const card = t.closest('.card'); return t.getBoundingClientRect().right > card.getBoundingClientRect().right + 1 || card.scrollWidth > card.clientWidth + 1;
		}).map(t => t.dataset.testid)`)
		if len(over) > 0 {
			s.screenshot(fmt.Sprintf("spend-%dx%d", size[0], size[1]))
			t.Errorf("at %dx%d these Spend tables do not fit their cards: %v", size[0], size[1], over)
		}
	}
	s.do(chromedp.EmulateViewport(1100, 640))

	// Ticking a row's box moves no row: the row under the pointer stays put.
	s.click("nav-queue")
	s.waitJS(10*time.Second, "the queue's rows", `document.querySelectorAll('[data-testid="job-row"]').length >= 10`)
	pos := `(() => { const r = document.querySelectorAll('[data-testid="job-row"]')[5]; return r.getBoundingClientRect().top; })()`
	y0 := eval[float64](s, pos)
	eval[bool](s, `(document.querySelectorAll('[data-testid="job-row"] input[type="checkbox"]')[5].click(), true)`)
	s.waitJS(5*time.Second, "the bulk bar", `!!document.querySelector('.bulk-dock')`)
	if y1 := eval[float64](s, pos); y1 != y0 {
		t.Errorf("ticking a row moved it from y=%v to y=%v", y0, y1)
	}
	s.screenshot("queue-ticked")
}

// TestWindowDarkFromTheFirstFrame records every frame the page paints while
// it loads with the theme saved as dark: none may be light. The browser's
// own background is set to mid-grey, so frames before the page paints are
// neither light nor dark.
func TestWindowDarkFromTheFirstFrame(t *testing.T) {
	s := newSessionEnv(t, true, "DEEPR_THEME=dark")
	var (
		mu     sync.Mutex
		frames [][]byte
	)
	s.do(chromedp.Navigate("about:blank"))
	if err := chromedp.Listen(s.ctx, func(ev any) {
		f, ok := ev.(*page.EventScreencastFrame)
		if !ok {
			return
		}
		mu.Lock()
		frames = append(frames, f.Data)
		mu.Unlock()
		go func() {
			_, _ = chromedp.Call(s.ctx, page.ScreencastFrameAck, page.ScreencastFrameAckParams{SessionID: f.SessionID})
		}()
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(s.ctx, emulation.SetDefaultBackgroundColorOverride,
		emulation.SetDefaultBackgroundColorOverrideParams{Color: &cdp.RGBA{R: 128, G: 128, B: 128, A: 1}}); err != nil {
		t.Fatalf("background override: %v", err)
	}
	if _, err := chromedp.Call(s.ctx, page.StartScreencast, page.StartScreencastParams{Format: page.StartScreencastFormatPng, EveryNthFrame: 1}); err != nil {
		t.Fatalf("screencast: %v", err)
	}
	s.do(chromedp.Navigate(s.url), chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-queue"]`)))
	time.Sleep(700 * time.Millisecond) // the span in which the light UI used to show
	mu.Lock()
	got := append([][]byte(nil), frames...)
	mu.Unlock()
	if len(got) == 0 {
		t.Fatal("no frame was recorded")
	}
	for i, b := range got {
		l, blank, err := luminance(b)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if blank { // one colour, nothing drawn: the browser's page before ours, not the window's UI
			continue
		}
		if l > 150 {
			t.Errorf("frame %d of %d is light (mean luminance %.0f of 255)", i, len(got), l)
			_ = os.WriteFile(filepath.Join(artifacts(t), fmt.Sprintf("light-frame-%d.png", i)), b, 0o644)
		}
	}
	if l, _, _ := luminance(got[len(got)-1]); l > 90 {
		t.Errorf("the last frame is not dark (mean luminance %.0f)", l)
	}
	s.screenshot("dark-first-frames-last")
}

// luminance is the mean luminance (0-255) of a PNG, and whether it is one
// colour throughout (blank: nothing drawn on it).
func luminance(b []byte) (mean float64, blank bool, err error) {
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 0, false, err
	}
	r := img.Bounds()
	var sum float64
	var n int
	first, blank := img.At(r.Min.X, r.Min.Y), true
	for y := r.Min.Y; y < r.Max.Y; y += 4 {
		for x := r.Min.X; x < r.Max.X; x += 4 {
			c := img.At(x, y)
			cr, cg, cb, _ := c.RGBA()
			sum += 0.2126*float64(cr>>8) + 0.7152*float64(cg>>8) + 0.0722*float64(cb>>8)
			n++
			if blank && c != first {
				blank = false
			}
		}
	}
	return sum / float64(n), blank, nil
}
