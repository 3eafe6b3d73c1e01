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
type pinCache struct {
	mu  sync.RWMutex
	m   map[string]pin
	max int
}

// maxCachedPins bounds the cache; past it, an arbitrary entry makes room.
const maxCachedPins = 100_000

func newPinCache() *pinCache { return &pinCache{m: make(map[string]pin), max: maxCachedPins} }

func (c *pinCache) get(appointmentID string) (pin, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.m[appointmentID]
	return p, ok
}

func (c *pinCache) put(appointmentID string, p pin) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[appointmentID]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[appointmentID] = p
}

func (c *pinCache) del(appointmentID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, appointmentID)
}
