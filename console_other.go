//go:build !windows

package main

// attachConsole has nothing to do outside Windows: a program started from a
// terminal already writes to it (console_windows.go).
func attachConsole() {}
