package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var secondsRe = regexp.MustCompile(`^[0-9]+s?$`)

// seconds parses "45" or "45s" within [lo, hi] seconds.
func seconds(v string, lo, hi int) (time.Duration, error) {
	bad := fmt.Errorf("use whole seconds from %d to %d, like 30 or 30s", lo, hi)
	if !secondsRe.MatchString(v) {
		return 0, bad
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, "s"))
	if err != nil || n < lo || n > hi {
		return 0, bad
	}
	return time.Duration(n) * time.Second, nil
}

func number(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("use a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

func boolean(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off":
		return false, nil
	}
	return false, errors.New("use true or false (or 1/0, yes/no, on/off)")
}

// folder accepts an absolute path, or one relative to workDir. On Windows a
// path from the root without a drive (\srv\deepr) is on workDir's drive.
func folder(v, workDir string) (string, error) {
	if strings.HasPrefix(v, "~") {
		return "", errors.New("write the full path: ~ is not expanded")
	}
	if !filepath.IsAbs(v) {
		if workDir != "" && v != "" && os.IsPathSeparator(v[0]) {
			return filepath.Join(filepath.VolumeName(workDir), v), nil
		}
		if workDir == "" {
			abs, err := filepath.Abs(v)
			if err != nil {
				return "", fmt.Errorf("cannot make the path absolute: %v", err)
			}
			return abs, nil
		}
		v = filepath.Join(workDir, v)
	}
	return filepath.Clean(v), nil
}

func webURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func fmtSeconds(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }

// fmtDuration writes a duration the short way: "24h", "90m", "1h30m".
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
