package video

import (
	"context"
	"sync"
	"time"
)

// The memory store's defaults: an ended consultation is kept a day after its last write, any
// other (a no-show, an end nobody called) 30 days, as redisstore keeps them.
const (
	DefaultMemoryRetention = 24 * time.Hour
	DefaultMemoryMaxAge    = 30 * 24 * time.Hour
)

// expiryBudget is how many expired records one write drops at most. Every record is written
// at least once, so writes drop records at least as fast as they expire, and no write pays for
// more than this many.
const expiryBudget = 16

// MemoryStore is the in-memory Store, the default of New. It serves one process: with
// several replicas of an application, each would pin appointments on its own, so use
// redisstore there. Like redisstore it forgets a consultation some time after its last write:
// an ended one after the retention (a day by default), any other after the maximum age (30 days
// by default), so that appointments nobody ended do not hold memory for ever. Dropping them
// costs what is dropped, a few at each write, never a scan of what is stored.
type MemoryStore struct {
	mu    sync.RWMutex
	m     map[string]*memoryRecord
	rooms map[string]string // room → appointment
	live  expiryQueue       // not ended, by last write
	ended expiryQueue       // ended, by last write
	now   func() time.Time
}

// MemoryOption configures a MemoryStore.
type MemoryOption func(*MemoryStore)

// MemoryRetention keeps an ended consultation d after its last write (DefaultMemoryRetention
// when d is not positive).
func MemoryRetention(d time.Duration) MemoryOption {
	return func(s *MemoryStore) {
		if d > 0 {
			s.ended.ttl = d
		}
	}
}

// MemoryMaxAge keeps a consultation that has not ended d after its last write
// (DefaultMemoryMaxAge when d is not positive).
func MemoryMaxAge(d time.Duration) MemoryOption {
	return func(s *MemoryStore) {
		if d > 0 {
			s.live.ttl = d
		}
	}
}

// MemoryClock makes the store read time from now instead of time.Now; for tests.
func MemoryClock(now func() time.Time) MemoryOption { return func(s *MemoryStore) { s.now = now } }

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	s := &MemoryStore{m: make(map[string]*memoryRecord), rooms: make(map[string]string), now: time.Now,
		live: expiryQueue{ttl: DefaultMemoryMaxAge}, ended: expiryQueue{ttl: DefaultMemoryRetention}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Len returns how many consultations the store holds now, expired ones not yet dropped
// included.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.m)
}

// current returns the record of appointmentID unless it is missing or expired at now.
func (s *MemoryStore) current(appointmentID string, now time.Time) *memoryRecord {
	r := s.m[appointmentID]
	if r == nil || !r.expires.After(now) {
		return nil
	}
	return r
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, appointmentID string) (*Consultation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.current(appointmentID, now)
	if r == nil {
		return nil, ErrNotFound
	}
	return r.c.Clone(), nil
}

// GetByRoom implements Store.
func (s *MemoryStore) GetByRoom(ctx context.Context, room string) (*Consultation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.current(s.rooms[room], now)
	if r == nil {
		return nil, ErrNotFound
	}
	return r.c.Clone(), nil
}

// Create implements Store.
func (s *MemoryStore) Create(ctx context.Context, c *Consultation) (*Consultation, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now() // under the lock: the queues stay in order of expiry
	if r := s.current(c.AppointmentID, now); r != nil {
		return r.c.Clone(), false, nil
	}
	s.dropLocked(c.AppointmentID) // expired, not dropped yet
	stored := c.Clone()
	stored.Version = 1
	r := &memoryRecord{c: stored}
	s.m[c.AppointmentID] = r
	s.rooms[c.Room] = c.AppointmentID
	s.wroteLocked(r, now)
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
	now := s.now() // under the lock: the queues stay in order of expiry
	r := s.current(appointmentID, now)
	if r == nil {
		return nil, ErrNotFound
	}
	next, err := fn(r.c)
	if err != nil {
		return next, err
	}
	r.c = next
	s.rooms[next.Room] = appointmentID
	s.wroteLocked(r, now)
	return next.Clone(), nil
}

// wroteLocked files r, just written at now, in the queue of its kind, and drops up to
// expiryBudget records that have expired.
func (s *MemoryStore) wroteLocked(r *memoryRecord, now time.Time) {
	if r.c.EndedAt.IsZero() {
		s.live.push(r, now)
	} else {
		s.ended.push(r, now)
	}
	for range expiryBudget {
		old := s.live.expiredHead(now)
		if old == nil {
			if old = s.ended.expiredHead(now); old == nil {
				return
			}
		}
		s.dropLocked(old.c.AppointmentID)
	}
}

// dropLocked forgets appointmentID's record, if there is one.
func (s *MemoryStore) dropLocked(appointmentID string) {
	r := s.m[appointmentID]
	if r == nil {
		return
	}
	r.remove()
	delete(s.m, appointmentID)
	if s.rooms[r.c.Room] == appointmentID {
		delete(s.rooms, r.c.Room)
	}
}
