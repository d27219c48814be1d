//go:build !linux

package main

// prepareWebKit has nothing to do outside Linux (WebKitGTK only).
func prepareWebKit() {}
