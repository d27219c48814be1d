package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The template is the stock `wails init -t svelte` project with the least
// changed to run and to be timed like Deepr:
//   - npm install --legacy-peer-deps: the template's pinned ranges
//     (vite 8, @sveltejs/vite-plugin-svelte 6) do not resolve otherwise;
//   - main.js mounts with Svelte 5's mount(): the template's `new App()`
//     is the Svelte 4 API, which Svelte 5 refuses (a blank window);
//   - a bound Ready() called after the first frame, as Deepr does.
const (
	templateName = "benchtmpl"
	readyGo      = `
var readyOnce sync.Once

// Ready is called by the frontend after its first frame (make bench).
func (a *App) Ready() {
	readyOnce.Do(func() {
		if os.Getenv("BENCH_READY") == "1" {
			fmt.Fprintln(os.Stdout, "bench: ready")
		}
	})
}
`
	mainJS = `import './style.css'
import { mount } from 'svelte'
import App from './App.svelte'
import { Ready } from '../wailsjs/go/main/App'

const app = mount(App, { target: document.getElementById('app') })

requestAnimationFrame(() => requestAnimationFrame(() => Ready()))

export default app
`
)

// template builds the template once into cache/template and returns its
// binary. Delete the folder to build it again.
func template(ctx context.Context, cache, tags string) (string, error) {
	dir, err := filepath.Abs(filepath.Join(cache, "template"))
	if err != nil {
		return "", err
	}
	if bin, err := builtBinary(dir); err == nil {
		logf("template: reusing %s", bin)
		return bin, nil
	}
	wails, err := filepath.Abs(filepath.Join(cache, "wails"))
	if err != nil {
		return "", err
	}
	logf("template: building the pinned Wails CLI")
	if err := run(ctx, "", "go", "build", "-modfile=tools/go.mod", "-o", wails, "github.com/wailsapp/wails/v2/cmd/wails"); err != nil {
		return "", err
	}
	_ = os.RemoveAll(dir)
	logf("template: wails init -t svelte")
	if err := run(ctx, "", wails, "init", "-n", templateName, "-t", "svelte", "-d", dir); err != nil {
		return "", err
	}
	if err := patchTemplate(dir); err != nil {
		return "", err
	}
	logf("template: wails build (npm install, vite, go build; a few minutes the first time)")
	args := []string{"build", "-trimpath", "-ldflags", "-w -s"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	if err := run(ctx, dir, wails, args...); err != nil {
		return "", err
	}
	return builtBinary(dir)
}

// builtBinary is the executable wails build wrote into dir/build/bin (its
// name follows the project folder, not -n).
func builtBinary(dir string) (string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "build", "bin"))
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return filepath.Join(dir, "build", "bin", e.Name()), nil
		}
	}
	return "", fmt.Errorf("no executable in %s", filepath.Join(dir, "build", "bin"))
}

func patchTemplate(dir string) error {
	edit := func(name string, fn func(string) (string, error)) error {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s, err := fn(string(b))
		if err != nil {
			return fmt.Errorf("patching the template's %s: %w", name, err)
		}
		return os.WriteFile(p, []byte(s), 0o644)
	}
	if err := edit("wails.json", func(s string) (string, error) {
		const from = `"frontend:install": "npm install"`
		if !strings.Contains(s, from) {
			return "", fmt.Errorf("no %s", from)
		}
		return strings.Replace(s, from, `"frontend:install": "npm install --legacy-peer-deps --no-audit --no-fund"`, 1), nil
	}); err != nil {
		return err
	}
	if err := edit("app.go", func(s string) (string, error) {
		const imp = "import (\n"
		if !strings.Contains(s, imp) {
			return "", fmt.Errorf("no import block")
		}
		return strings.Replace(s, imp, imp+"\t\"os\"\n\t\"sync\"\n", 1) + readyGo, nil
	}); err != nil {
		return err
	}
	return edit(filepath.Join("frontend", "src", "main.js"), func(string) (string, error) { return mainJS, nil })
}

// run runs a command in dir ("" = here), its output on stderr.
func run(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}
