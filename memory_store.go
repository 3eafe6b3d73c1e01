package video

import (
	"context"
	"sync"
	"time"
)

// memoryRetention is how long the memory store keeps a consultation after it ended.
const memoryRetention = 24 * time.Hour

// MemoryStore is the in-memory Store, the default of New. It serves one process: with
// several replicas of an application, each would pin appointments on its own, so use
// redisstore there. Ended consultations are dropped a day after they end.
type MemoryStore struct {
	mu        sync.RWMutex
	m         map[string]*Consultation
	rooms     map[string]string // room → appointment
	retention time.Duration
	now       func() time.Time
	writes    int
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{m: make(map[string]*Consultation), rooms: make(map[string]string), retention: memoryRetention, now: time.Now}
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, appointmentID string) (*Consultation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.m[appointmentID]
	if !ok {
		return nil, ErrNotFound
	}
	return c.Clone(), nil
}

// GetByRoom implements Store.
func (s *MemoryStore) GetByRoom(ctx context.Context, room string) (*Consultation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.rooms[room]
	if !ok {
		return nil, ErrNotFound
	}
	return s.m[id].Clone(), nil
}

// Create implements Store.
func (s *MemoryStore) Create(ctx context.Context, c *Consultation) (*Consultation, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.m[c.AppointmentID]; ok {
		return cur.Clone(), false, nil
	}
	s.sweepLocked()
	stored := c.Clone()
	stored.Version = 1
	s.m[c.AppointmentID] = stored
	s.rooms[c.Room] = c.AppointmentID
	return stored.Clone(), true, nil
}

// Update implements Store.
func (s *MemoryStore) Update(ctx context.Context, c *Consultation) (*Consultation, error) {
	return s.change(ctx, c.AppointmentID, func(cur *Consultation) (*Consultation, error) {
		if cur.Version != c.Version {
			return nil, ErrConflict
		}
		next := c.Clone()
		next.Version = cur.Version + 1
		return next, nil
	})
}

// AddParticipant implements Store.
func (s *MemoryStore) AddParticipant(ctx context.Context, appointmentID string, provider ProviderName, room string, p ParticipantRecord) (*Consultation, error) {
	return s.change(ctx, appointmentID, func(cur *Consultation) (*Consultation, error) {
		if !cur.EndedAt.IsZero() {
			return cur.Clone(), ErrConsultationEnded
		}
		if cur.Provider != provider || cur.Room != room {
			return cur.Clone(), ErrConflict
		}
		next := cur.Clone()
		next.AddParticipant(p)
		next.Version++
		return next, nil
	})
}

// AddIssue implements Store.
func (s *MemoryStore) AddIssue(ctx context.Context, appointmentID string, issue TechnicalIssue) (*Consultation, error) {
	return s.change(ctx, appointmentID, func(cur *Consultation) (*Consultation, error) {
		next := cur.Clone()
		next.Issues = append(next.Issues, issue)
		next.Version++
		return next, nil
	})
}

// AddRecording implements Store.
func (s *MemoryStore) AddRecording(ctx context.Context, appointmentID string, rec Recording) (*Consultation, error) {
	return s.change(ctx, appointmentID, func(cur *Consultation) (*Consultation, error) {
		next := cur.Clone()
		next.AddRecording(rec)
		next.Version++
		return next, nil
	})
}

// change runs fn on the stored consultation under the write lock. fn returns the record to
// store; with an error, nothing is stored and the record fn returned (if any) is handed back.
func (s *MemoryStore) change(ctx context.Context, appointmentID string, fn func(cur *Consultation) (*Consultation, error)) (*Consultation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.m[appointmentID]
	if !ok {
		return nil, ErrNotFound
	}
	next, err := fn(cur)
	if err != nil {
		return next, err
	}
	s.m[appointmentID] = next
	s.rooms[next.Room] = appointmentID
	return next.Clone(), nil
}

// sweepLocked drops consultations that ended more than the retention ago. It runs on one
// Create in 1024, so its cost is spread thin.
func (s *MemoryStore) sweepLocked() {
	s.writes++
	if s.writes%1024 != 0 {
		return
	}
	cutoff := s.now().Add(-s.retention)
	for id, c := range s.m {
		if !c.EndedAt.IsZero() && c.EndedAt.Before(cutoff) {
			delete(s.m, id)
			delete(s.rooms, c.Room)
		}
	}
}
