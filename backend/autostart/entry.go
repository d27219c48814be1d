package autostart

import (
	"strings"
)

// DesktopFile is the name of the XDG autostart entry.
const DesktopFile = "deepr.desktop"

// LaunchAgentLabel names the macOS LaunchAgent (its file is Label.plist).
const LaunchAgentLabel = "io.deepr"

// desktopEntry is the XDG autostart file that starts exe with args.
func desktopEntry(exe string, args []string) string {
	cmd := []string{execQuote(exe)}
	for _, a := range args {
		cmd = append(cmd, execQuote(a))
	}
	return "[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=Deepr\n" +
		"Comment=Keep tracking deep research in the background\n" +
		"Exec=" + escapeValue(strings.Join(cmd, " ")) + "\n" +
		"Icon=deepr\n" +
		"Terminal=false\n" +
		"NoDisplay=true\n" +
		"X-GNOME-Autostart-enabled=true\n"
}

// execQuote quotes one Exec argument as the Desktop Entry specification
// says: inside double quotes, ", `, $ and \ are escaped with a backslash;
// a literal % is written %%.
func execQuote(s string) string {
	s = strings.ReplaceAll(s, "%", "%%")
	if s != "" && !strings.ContainsAny(s, " \t\n\"'\\><~|&;$*?#()`=") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if strings.ContainsRune("\"`$\\", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// escapeValue escapes a string value of a desktop file: backslashes are
// doubled and control characters written as \n, \t, \r.
func escapeValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(s)
}

// launchAgent is the macOS LaunchAgent that starts exe with args at login.
func launchAgent(exe string, args []string) string {
	var prog strings.Builder
	for _, a := range append([]string{exe}, args...) {
		prog.WriteString("        <string>" + xmlEscape(a) + "</string>\n")
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>` + LaunchAgentLabel + `</string>
    <key>ProgramArguments</key>
    <array>
` + prog.String() + `    </array>
    <key>RunAtLoad</key>
    <true/>
    <key>ProcessType</key>
    <string>Interactive</string>
</dict>
</plist>
`
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

// runCommand is the Windows Run value: the quoted program and its args.
func runCommand(exe string, args []string) string {
	cmd := `"` + exe + `"`
	for _, a := range args {
		cmd += " " + a
	}
	return cmd
}
