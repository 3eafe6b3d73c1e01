package video

import "sync"

// pin is where an appointment is pinned, and the window its tokens are issued in.
type pin struct {
	provider ProviderName
	room     string
	window   Window
}

// pinCache remembers appointments' pins in this process, so a token request for a known
// appointment reads nothing from the Store before signing: the Store's AddParticipant checks
// the pin atomically and returns the current consultation when the pin moved, which
// corrects the entry. The cache only saves a read; it never decides a pin.
//
// It holds the last maxCachedPins appointments it was given: a ring remembers the order they
// came in, and a new one takes the oldest one's place, at a constant cost.
type pinCache struct {
	mu   sync.RWMutex
	m    map[string]pinEntry
	ring []string // appointments in the order they came in; grows to max, then wraps
	next int      // the ring's oldest slot once it is full
	max  int
}

// pinEntry is a cached pin and its slot in the ring.
type pinEntry struct {
	pin  pin
	slot int
}

// maxCachedPins bounds the cache.
const maxCachedPins = 100_000

func newPinCache() *pinCache { return &pinCache{m: make(map[string]pinEntry), max: maxCachedPins} }

func (c *pinCache) get(appointmentID string) (pin, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[appointmentID]
	return e.pin, ok
}

func (c *pinCache) put(appointmentID string, p pin) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[appointmentID]; ok {
		e.pin = p
		c.m[appointmentID] = e
		return
	}
	slot := len(c.ring)
	if slot < c.max {
		c.ring = append(c.ring, appointmentID)
	} else {
		slot = c.next
		if old, ok := c.m[c.ring[slot]]; ok && old.slot == slot { // not deleted since, nor put again
			delete(c.m, c.ring[slot])
		}
		c.ring[slot] = appointmentID
		c.next = (slot + 1) % c.max
	}
	c.m[appointmentID] = pinEntry{pin: p, slot: slot}
}

func (c *pinCache) del(appointmentID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, appointmentID)
}
