package video

import "time"

// memoryRecord is one consultation of a MemoryStore with its place in an expiry queue.
type memoryRecord struct {
	c          *Consultation
	expires    time.Time
	prev, next *memoryRecord
	queue      *expiryQueue
}

// expiryQueue is a list of records in the order they expire. Every record of a queue lives
// the same time after its last write, so appending at each write keeps it in order: what
// expires first is at the head, and expiring costs what expires, never what is stored.
type expiryQueue struct {
	head, tail *memoryRecord
	ttl        time.Duration
}

// remove takes r out of its queue, if it is in one.
func (r *memoryRecord) remove() {
	q := r.queue
	if q == nil {
		return
	}
	if r.prev != nil {
		r.prev.next = r.next
	} else {
		q.head = r.next
	}
	if r.next != nil {
		r.next.prev = r.prev
	} else {
		q.tail = r.prev
	}
	r.prev, r.next, r.queue = nil, nil, nil
}

// push appends r, written at now, to q: it expires q.ttl later.
func (q *expiryQueue) push(r *memoryRecord, now time.Time) {
	r.remove()
	r.expires, r.queue = now.Add(q.ttl), q
	r.prev = q.tail
	if q.tail != nil {
		q.tail.next = r
	} else {
		q.head = r
	}
	q.tail = r
}

// expiredHead returns the queue's first record if it has expired at now, or nil.
func (q *expiryQueue) expiredHead(now time.Time) *memoryRecord {
	if q.head != nil && !q.head.expires.After(now) {
		return q.head
	}
	return nil
}
