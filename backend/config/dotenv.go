package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
)

var keyRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ReadDotEnv reads a .env file. A missing file is an empty map. See
// ParseDotEnv for the format.
func ReadDotEnv(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return map[string]string{}, fmt.Errorf("cannot read %s: %v", path, err)
	}
	return ParseDotEnv(path, string(b))
}

// ParseDotEnv parses the text of a .env file named name (used in errors).
// Each line is blank, a # comment, or KEY=VALUE with an optional "export "
// in front. VALUE may be 'single quoted' (taken literally), "double quoted"
// (with \n, \r, \t, \", \\ and \$ escapes) or bare, in which case a
// " #" starts a trailing comment and surrounding blanks are dropped. A later
// line for the same key wins. Every malformed line is reported, by line
// number and without its content (it may hold a secret); the keys that did
// parse are still returned.
func ParseDotEnv(name, text string) (map[string]string, error) {
	m := map[string]string{}
	var errs []error
	for i, line := range strings.Split(text, "\n") {
		if i == 0 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		k, v, ok, why := parseLine(strings.TrimSuffix(line, "\r"))
		if why != "" {
			errs = append(errs, fmt.Errorf("%s, line %d: %s", name, i+1, why))
			continue
		}
		if ok {
			m[k] = v
		}
	}
	return m, errors.Join(errs...)
}

// parseLine returns the key and value of one line; ok is false for blank
// and comment lines; why says what is wrong with a malformed one.
func parseLine(line string) (key, value string, ok bool, why string) {
	s := strings.TrimSpace(line)
	if s == "" || strings.HasPrefix(s, "#") {
		return "", "", false, ""
	}
	if rest, found := strings.CutPrefix(s, "export"); found && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		s = strings.TrimSpace(rest)
	}
	k, v, found := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	if !found || !keyRe.MatchString(k) {
		return "", "", false, "expected KEY=VALUE (a name of letters, digits and _, then =)"
	}
	v = strings.TrimLeft(v, " \t")
	switch {
	case strings.HasPrefix(v, "'"):
		end := strings.IndexByte(v[1:], '\'')
		if end < 0 {
			return "", "", false, "the value's opening ' has no closing '"
		}
		if !onlyComment(v[end+2:]) {
			return "", "", false, "unexpected text after the closing '"
		}
		return k, v[1 : end+1], true, ""
	case strings.HasPrefix(v, `"`):
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			switch c := v[i]; c {
			case '\\':
				if i+1 == len(v) {
					break
				}
				i++
				switch e := v[i]; e {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				case '"', '\\', '$':
					b.WriteByte(e)
				default:
					b.WriteByte('\\')
					b.WriteByte(e)
				}
			case '"':
				if !onlyComment(v[i+1:]) {
					return "", "", false, `unexpected text after the closing "`
				}
				return k, b.String(), true, ""
			default:
				b.WriteByte(c)
			}
		}
		return "", "", false, `the value's opening " has no closing "`
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '#' && (i == 0 || v[i-1] == ' ' || v[i-1] == '\t') {
			v = v[:i]
			break
		}
	}
	return k, strings.TrimSpace(v), true, ""
}

// onlyComment reports whether s is blank or a blank-separated # comment.
func onlyComment(s string) bool {
	t := strings.TrimLeft(s, " \t")
	return t == "" || (strings.HasPrefix(t, "#") && len(t) < len(s))
}
