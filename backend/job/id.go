package job

// MaxIDLen is the longest job id Deepr accepts.
const MaxIDLen = 64

// ValidID reports whether id is a canonical job id: 1 to 64 characters of
// lowercase ASCII letters, digits and '-', starting with a letter or a
// digit. Ids Deepr makes (10 lowercase letters and digits) and lowercase
// UUIDs are canonical; an imported id that is not is replaced. Canonical ids
// are safe in file names on every system and in a terminal, and two of
// them never differ only in case.
func ValidID(id string) bool {
	if id == "" || len(id) > MaxIDLen || id[0] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
