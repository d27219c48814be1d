//go:build !darwin && !windows

package autostart

func isUnixEntry() bool { return true }
