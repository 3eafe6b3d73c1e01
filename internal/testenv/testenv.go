// Package testenv sets what a test reads from its process, for the test's duration: the
// environment (only the variables it names, among those of the prefixes it owns) and
// OpenTelemetry's global propagator.
package testenv

import (
	"errors"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/teleconsult/video"
)

// Only leaves, among the variables whose names start with one of prefixes, exactly those of
// kv set: every other is unset, and a key of kv with an empty value is unset too. Everything
// is restored when t ends. Tests that call it must not run in parallel.
func Only(t testing.TB, kv map[string]string, prefixes ...string) {
	t.Helper()
	for _, e := range os.Environ() {
		name, _, _ := strings.Cut(e, "=")
		for _, p := range prefixes {
			if strings.HasPrefix(name, p) {
				unset(t, name)
			}
		}
	}
	for k, v := range kv {
		if v == "" {
			unset(t, k)
		} else {
			t.Setenv(k, v)
		}
	}
}

// unset removes name, restoring it when t ends.
func unset(t testing.TB, name string) {
	t.Setenv(name, "") // records the value to restore
	os.Unsetenv(name)
}

// With returns base with over's entries on top (an empty value in over unsets that variable
// in Only).
func With(base, over map[string]string) map[string]string {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, over)
	return out
}

// FieldOf requires err to be a configuration error (video.ErrInvalidConfig, a *video.Error)
// and returns the variable it names.
func FieldOf(t testing.TB, err error) string {
	t.Helper()
	var verr *video.Error
	if !errors.Is(err, video.ErrInvalidConfig) || !errors.As(err, &verr) {
		t.Fatalf("not a configuration error: %v", err)
	}
	return verr.Field
}
