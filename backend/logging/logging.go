// Package logging sets up logrus for the two ways Deepr runs: text on
// stderr for the CLI, and a size-rotated file in the state dir for the
// desktop app. Every logger it builds carries a hook that redacts secrets
// (OpenAI keys, webhook secrets, Authorization values) before anything is
// written.
package logging

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/sirupsen/logrus"
	"gopkg.in/natefinch/lumberjack.v2"
)

var secretPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(?i)(authorization"?\s*[:=]\s*"?)(?:(?:bearer|basic)\s+)?[^\s",}]+`), "${1}[REDACTED]"},
	{regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]{8,}`), "Bearer [REDACTED]"},
	{regexp.MustCompile(`\bsk-[A-Za-z0-9_\-]{6,}`), "sk-[REDACTED]"},
	{regexp.MustCompile(`\bwhsec_[A-Za-z0-9+/=_\-]{6,}`), "whsec_[REDACTED]"},
	{regexp.MustCompile(`(?i)(api[-_]?key"?\s*[:=]\s*"?)[^\s",}]{6,}`), "${1}[REDACTED]"},
}

// Redact replaces every secret-looking substring of s.
func Redact(s string) string {
	for _, p := range secretPatterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// RedactHook is a logrus hook that redacts the message and every field of
// each entry, at every level.
type RedactHook struct{}

// Levels implements logrus.Hook.
func (RedactHook) Levels() []logrus.Level { return logrus.AllLevels }

// Fire implements logrus.Hook. Fields are copied so a caller's map is
// never mutated; errors and other values are rendered and redacted.
func (RedactHook) Fire(e *logrus.Entry) error {
	e.Message = Redact(e.Message)
	if len(e.Data) == 0 {
		return nil
	}
	data := make(logrus.Fields, len(e.Data))
	for k, v := range e.Data {
		switch t := v.(type) {
		case string:
			data[k] = Redact(t)
		case error:
			data[k] = Redact(t.Error())
		case fmt.Stringer:
			data[k] = Redact(t.String())
		case int, int64, float64, bool, uint, int32:
			data[k] = v
		default:
			data[k] = Redact(fmt.Sprint(v))
		}
	}
	e.Data = data
	return nil
}

// New returns a logger writing text to w at the given level, with the
// redaction hook installed.
func New(w io.Writer, level logrus.Level) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(w)
	l.SetLevel(level)
	l.SetFormatter(&logrus.TextFormatter{FullTimestamp: true, DisableColors: true})
	l.AddHook(RedactHook{})
	return l
}

// ParseLevel reads DEEPR_LOG_LEVEL-style values; empty means info.
func ParseLevel(s string) (logrus.Level, error) {
	if s == "" {
		return logrus.InfoLevel, nil
	}
	l, err := logrus.ParseLevel(s)
	if err != nil {
		return logrus.InfoLevel, fmt.Errorf("DEEPR_LOG_LEVEL=%q is not valid: use debug, info, warn or error", s)
	}
	return l, nil
}

// CLI returns the logger for command-line mode: text on stderr.
func CLI(level logrus.Level) *logrus.Logger { return New(os.Stderr, level) }

// Desktop returns the logger for the desktop app: a file in stateDir,
// rotated at 5 MB with 3 old copies kept, and a copy on stderr. The
// returned closer flushes and closes the file.
func Desktop(stateDir string, level logrus.Level) (*logrus.Logger, io.Closer, error) {
	if stateDir == "" {
		return nil, nil, errors.New("logging: no state dir")
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("cannot create log folder %s: %w", stateDir, err)
	}
	rot := &lumberjack.Logger{
		Filename:   filepath.Join(stateDir, "deepr.log"),
		MaxSize:    5, // megabytes
		MaxBackups: 3,
	}
	return New(io.MultiWriter(os.Stderr, rot), level), rot, nil
}
