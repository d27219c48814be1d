package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/webserve"
)

// serveRun runs `deepr serve ARGS` with a Serve that records what it was
// given and reports url as ready.
func serveRun(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string, plan *webserve.Plan, token string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := Env{
		Stdout: &out, Stderr: &errb, Version: "1.2.3",
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Serve: func(_ context.Context, p webserve.Plan, tok string, ready func(string)) error {
			plan, token = &p, tok
			ready("http://127.0.0.1:8710/")
			return nil
		},
	}
	code = Main(context.Background(), append([]string{"serve"}, args...), e)
	return code, out.String(), errb.String(), plan, token
}

func TestServeFlags(t *testing.T) {
	code, out, _, plan, token := serveRun(t, nil)
	if code != 0 || plan == nil || plan.Listen != webserve.DefaultListen {
		t.Fatalf("deepr serve: exit %d, plan %+v", code, plan)
	}
	if !strings.Contains(out, "open http://127.0.0.1:8710/login?token="+token) {
		t.Errorf("the sign-in URL with the new token is not printed: %q", out)
	}

	code, out, _, plan, token = serveRun(t, map[string]string{webserve.TokenVariable: "a-fixed-token-from-the-env"},
		"--listen", "0.0.0.0:8710", "--insecure-http", "--host", "deepr.lan,nas.local", "--host", "10.0.0.2")
	if code != 0 || token != "a-fixed-token-from-the-env" || strings.Contains(out, token) {
		t.Errorf("DEEPR_SERVE_TOKEN: exit %d, token %q, stdout %q (it must never be printed)", code, token, out)
	}
	if plan == nil || !plan.InsecureHTTP || strings.Join(plan.Hosts, " ") != "deepr.lan nas.local 10.0.0.2" {
		t.Errorf("plan %+v", plan)
	}
}

func TestServeRefusesAnExposedPlainListener(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		code int
		msg  string
	}{
		{[]string{"--listen", "0.0.0.0:8710"}, nil, 2, "needs TLS"},
		{[]string{"--listen", "127.0.0.1:8710", "--tls-cert", "c.pem"}, nil, 2, "go together"},
		{[]string{"--listen", "0.0.0.0:8710", "--insecure-http"}, nil, 0, "warning: listening on 0.0.0.0:8710"},
		{nil, map[string]string{webserve.TokenVariable: "short"}, 1, "DEEPR_SERVE_TOKEN"},
		{[]string{"extra"}, nil, 2, "no arguments"},
	}
	for _, c := range cases {
		code, _, errOut, plan, _ := serveRun(t, c.env, c.args...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("serve %v: exit %d, stderr %q; want %d with %q", c.args, code, errOut, c.code, c.msg)
		}
		if c.code != 0 && plan != nil {
			t.Errorf("serve %v started serving", c.args)
		}
	}
}
