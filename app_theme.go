package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
)

// themedPage marks the page's root element with the saved theme (DEEPR_THEME)
// before the page is parsed, so the first frame the window paints is already
// in that theme: the script that applies the theme runs only after the first
// paint. lib/theme.ts reads the mark (data-theme-choice) as the theme to
// start with. "system" is left to the page, which follows
// prefers-color-scheme as soon as it runs.
func themedPage(theme string) assetserver.Middleware {
	return func(next http.Handler) http.Handler {
		if theme != "dark" && theme != "light" {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || (r.URL.Path != "/" && r.URL.Path != "/index.html") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			if rec.Code == http.StatusOK {
				body = themeHTML(body, theme)
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}
}

// themeHTML adds the theme to the first <html tag and, for dark, a style
// that paints the page dark before the app's stylesheet has loaded.
func themeHTML(page []byte, theme string) []byte {
	i := bytes.Index(page, []byte("<html"))
	if i < 0 {
		return page
	}
	mark := ` data-theme="` + theme + `" data-theme-choice="` + theme + `"`
	if theme == "dark" {
		c := background(theme)
		mark += fmt.Sprintf(` style="background-color:#%02x%02x%02x;color-scheme:dark"`, c.R, c.G, c.B)
	}
	at := i + len("<html")
	out := make([]byte, 0, len(page)+len(mark))
	out = append(out, page[:at]...)
	out = append(out, mark...)
	return append(out, page[at:]...)
}

// background is the window's colour before the page paints (the same as
// the page's first frame for dark, see themeHTML), so opening never
// flashes the other theme.
func background(theme string) *options.RGBA {
	if theme == "dark" {
		return &options.RGBA{R: 24, G: 24, B: 27, A: 255}
	}
	return &options.RGBA{R: 250, G: 250, B: 250, A: 255}
}
