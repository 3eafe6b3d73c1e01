package video

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPinCacheForgetsTheOldestFirst: a full cache makes room by the appointment that came in
// first, whatever was deleted or put again since.
func TestPinCacheForgetsTheOldestFirst(t *testing.T) {
	c := &pinCache{m: make(map[string]pinEntry), max: 3}
	has := func(ids ...string) {
		t.Helper()
		var got []string
		for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
			if _, ok := c.get(id); ok {
				got = append(got, id)
			}
		}
		assert.Equal(t, ids, got)
	}
	for _, id := range []string{"a", "b", "c"} {
		c.put(id, pin{provider: "p", room: "r-" + id})
	}
	c.put("b", pin{provider: "q", room: "r-b"}) // an update takes no new place
	has("a", "b", "c")
	c.put("d", pin{})
	has("b", "c", "d")
	p, _ := c.get("b")
	assert.Equal(t, ProviderName("q"), p.provider)
	c.del("c")
	c.put("e", pin{}) // takes b's place: the oldest
	has("d", "e")
	c.put("f", pin{}) // takes c's old place, which held nothing
	has("d", "e", "f")
	assert.Len(t, c.m, 3)
}

// BenchmarkPinCachePutFull is the cost of a new appointment in a full cache.
func BenchmarkPinCachePutFull(b *testing.B) {
	c := newPinCache()
	for i := range maxCachedPins {
		c.put("appt-"+strconv.Itoa(i), pin{})
	}
	ids := make([]string, 1<<16)
	for i := range ids {
		ids[i] = "new-" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.put(ids[i&(len(ids)-1)], pin{})
		i++
	}
}
