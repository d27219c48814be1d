package cli

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

func TestTermSafe(t *testing.T) {
	cases := []struct {
		in        string
		keepLines bool
		want      string
	}{
		{"plain text", false, "plain text"},
		{"clear \x1b[2J\x1b[31mred", false, "clear \uFFFD[2J\uFFFD[31mred"},
		{"bell\a nul\x00", false, "bell\uFFFD nul\uFFFD"},
		{"c1 \u009b31m", false, "c1 \uFFFD31m"},
		{"bidi \u202egnp.exe", false, "bidi \uFFFDgnp.exe"},
		{"two\nlines\ttab", false, "two\uFFFDlines\uFFFDtab"},
		{"two\r\nlines\ttab", true, "two\nlines\ttab"},
		{"Müller 中文 😀", false, "Müller 中文 😀"},
		{"zero\u200bwidth \ufefftag\U000E0041 soft\u00adhyphen", false, "zero\uFFFDwidth \uFFFDtag\uFFFD soft\uFFFDhyphen"},
		{"isolate \u2066x\u2069 mark\u200f", false, "isolate \uFFFDx\uFFFD mark\uFFFD"},
		{"del\x7f ls\u2028ps\u2029", true, "del\uFFFD ls\uFFFDps\uFFFD"},
		{"family 👨\u200d👩\u200d👧 می\u200cخواهم", false, "family 👨\u200d👩\u200d👧 می\u200cخواهم"},
		{"bad utf-8 \xff\xc2", false, "bad utf-8 \uFFFD\uFFFD"},
	}
	for _, c := range cases {
		if got := termSafe(c.in, c.keepLines); got != c.want {
			t.Errorf("termSafe(%q, %v) = %q, want %q", c.in, c.keepLines, got, c.want)
		}
	}
}

func TestParseAllowsFlagsAfterArguments(t *testing.T) {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	format := fs.String("format", "md", "")
	pos, err := parse(fs, []string{"abc", "--format", "json", "--", "-x"})
	if err != nil || *format != "json" || strings.Join(pos, ",") != "abc,-x" {
		t.Fatalf("parse = %v %v format %q", pos, err, *format)
	}
	if _, err := parse(flag.NewFlagSet("x", flag.ContinueOnError), []string{"--nope"}); err == nil {
		t.Fatal("unknown flag accepted")
	}
}

func TestUsageExitCodes(t *testing.T) {
	cases := []struct {
		args []string
		code int
		out  string
	}{
		{nil, 2, ""},
		{[]string{"help"}, 0, "deepr submit"},
		{[]string{"--help"}, 0, "deepr submit"},
		{[]string{"version"}, 0, "deepr 1.2.3"},
		{[]string{"frobnicate"}, 2, ""},
		{[]string{"submit", "--bogus", "x"}, 2, ""},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := Main(context.Background(), c.args, Env{Stdout: &out, Stderr: &errb, Version: "1.2.3",
			Getenv: func(string) (string, bool) { return "", false }})
		if code != c.code || !strings.Contains(out.String(), c.out) {
			t.Errorf("deepr %v: exit %d stdout %q, want exit %d containing %q (stderr %q)", c.args, code, out.String(), c.code, c.out, errb.String())
		}
	}
	for _, name := range Commands {
		if !IsCommand(name) {
			t.Errorf("IsCommand(%q) = false", name)
		}
	}
}
