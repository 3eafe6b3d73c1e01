package roomname

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func TestNameIsStableOpaqueAndURLSafe(t *testing.T) {
	t.Parallel()
	d1, d2 := New(key, "consult-"), New(key, "consult-")
	valid := regexp.MustCompile(`^consult-[a-z2-7]{32}$`)
	seen := make(map[string]bool)
	for i := range 1000 {
		id := "appointment-" + strconv.Itoa(i)
		name := d1.Name(id)
		require.Regexp(t, valid, name)
		assert.Equal(t, name, d2.Name(id), "two replicas with one key must agree")
		assert.False(t, seen[name], "collision for %s", id)
		seen[name] = true
	}
}

func TestNameDependsOnKey(t *testing.T) {
	t.Parallel()
	other := New([]byte("another key of thirty-two bytes!"), "consult-")
	assert.NotEqual(t, New(key, "consult-").Name("a1"), other.Name("a1"))
}

func TestNameHidesTheAppointmentID(t *testing.T) {
	t.Parallel()
	name := New(key, "c-").Name("patient-jane-doe-1984")
	assert.NotContains(t, name, "jane")
	assert.NotContains(t, name, "1984")
}

func TestNameConcurrentUse(t *testing.T) {
	t.Parallel()
	d := New(key, "x-")
	want := d.Name("same")
	done := make(chan string, 64)
	for range 64 {
		go func() { done <- d.Name("same") }()
	}
	for range 64 {
		assert.Equal(t, want, <-done)
	}
}

func BenchmarkName(b *testing.B) {
	d := New(key, "consult-")
	b.ReportAllocs()
	for b.Loop() {
		d.Name("appointment-123456")
	}
}
