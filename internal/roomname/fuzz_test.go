package roomname

import (
	"regexp"
	"testing"
)

// FuzzName: any appointment ID gives prefix + 32 characters of [a-z2-7], the same every time.
func FuzzName(f *testing.F) {
	f.Add("appointment-1")
	f.Add("")
	f.Add("名前/../#?&=\x00")
	d := New(key, "consult-")
	valid := regexp.MustCompile(`^consult-[a-z2-7]{32}$`)
	f.Fuzz(func(t *testing.T, id string) {
		name := d.Name(id)
		if !valid.MatchString(name) {
			t.Fatalf("room %q for %q", name, id)
		}
		if d.Name(id) != name {
			t.Fatal("not deterministic")
		}
	})
}
