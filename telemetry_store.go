package video

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// storeOp is one Store method, as telemetry names it.
type storeOp int

const (
	storeGet storeOp = iota
	storeGetByRoom
	storeCreate
	storeUpdate
	storeAddParticipant
	storeAddIssue
	storeAddRecording
	storeOps // how many there are
)

var storeOpNames = [storeOps]string{"Get", "GetByRoom", "Create", "Update", "AddParticipant", "AddIssue", "AddRecording"}

// The outcomes of a store call. A record not found, a conflict and an ended consultation are
// answers the contract defines, and a call canceled by its caller says nothing of the store:
// only "error" is counted in video.store.errors.
var storeOutcomes = []string{"ok", "not_found", "conflict", "ended", "canceled", "error"}

// measuredStore is the Service's Store as the Service calls it: every call measured in
// video.store.call.duration and video.store.errors, and traced under a recording span.
type measuredStore struct {
	st       Store
	t        *telemetry
	opts     [storeOps][][]metric.RecordOption // by op and outcome (index in storeOutcomes)
	spanName [storeOps]string
}

func newMeasuredStore(st Store, t *telemetry) *measuredStore {
	ms := &measuredStore{st: st, t: t}
	for op := range storeOps {
		ms.opts[op] = make([][]metric.RecordOption, len(storeOutcomes))
		for i, o := range storeOutcomes {
			ms.opts[op][i] = []metric.RecordOption{metric.WithAttributes(attrOperation.String(storeOpNames[op]), attrOutcome.String(o))}
		}
		ms.spanName[op] = "video.store." + storeOpNames[op]
	}
	return ms
}

// storeOutcome is the index in storeOutcomes of err's outcome.
func storeOutcome(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrNotFound):
		return 1
	case errors.Is(err, ErrConflict):
		return 2
	case errors.Is(err, ErrConsultationEnded):
		return 3
	case errors.Is(err, context.Canceled):
		return 4
	}
	return 5
}

// start begins measuring one call of kind op, about room ("" when it names none). The time
// is zero when no duration is recorded (no SDK installed): no clock read for nothing.
func (ms *measuredStore) start(ctx context.Context, op storeOp, room string) (context.Context, trace.Span, time.Time) {
	var t0 time.Time
	if ms.t.storeCalls.Enabled(ctx) {
		t0 = time.Now()
	}
	if !ms.t.tracing(ctx) {
		return ctx, nil, t0
	}
	attrs := []attribute.KeyValue{attrOperation.String(storeOpNames[op])}
	if room != "" {
		attrs = append(attrs, attrRoom.String(room))
	}
	ctx, sp := ms.t.childSpan(ctx, ms.spanName[op], attrs...)
	return ctx, sp, t0
}

// end records the call's duration and outcome, counts it if it failed, and ends its span.
func (ms *measuredStore) end(ctx context.Context, op storeOp, sp trace.Span, start time.Time, err error) {
	o := storeOutcome(err)
	if !start.IsZero() {
		ms.t.storeCalls.Record(ctx, seconds(start), ms.opts[op][o]...)
	}
	if o == len(storeOutcomes)-1 {
		ms.t.storeErrors.Add(ctx, 1, metric.WithAttributes(attrOperation.String(storeOpNames[op]), attrErrorType.String(errorType(err))))
		endSpan(sp, err)
		return
	}
	endSpan(sp, nil) // a defined answer, or the caller's cancellation, is not an error of the call
}

func (ms *measuredStore) Get(ctx context.Context, appointmentID string) (*Consultation, error) {
	ctx, sp, t0 := ms.start(ctx, storeGet, "")
	c, err := ms.st.Get(ctx, appointmentID)
	ms.end(ctx, storeGet, sp, t0, err)
	return c, err
}

func (ms *measuredStore) GetByRoom(ctx context.Context, room string) (*Consultation, error) {
	ctx, sp, t0 := ms.start(ctx, storeGetByRoom, "") // the room is the event sender's word, not known to be ours
	c, err := ms.st.GetByRoom(ctx, room)
	ms.end(ctx, storeGetByRoom, sp, t0, err)
	return c, err
}

func (ms *measuredStore) Create(ctx context.Context, c *Consultation) (*Consultation, bool, error) {
	ctx, sp, t0 := ms.start(ctx, storeCreate, c.Room)
	stored, created, err := ms.st.Create(ctx, c)
	ms.end(ctx, storeCreate, sp, t0, err)
	return stored, created, err
}

func (ms *measuredStore) Update(ctx context.Context, c *Consultation) (*Consultation, error) {
	ctx, sp, t0 := ms.start(ctx, storeUpdate, c.Room)
	stored, err := ms.st.Update(ctx, c)
	ms.end(ctx, storeUpdate, sp, t0, err)
	return stored, err
}

func (ms *measuredStore) AddParticipant(ctx context.Context, appointmentID string, provider ProviderName, room string, p ParticipantRecord) (*Consultation, error) {
	ctx, sp, t0 := ms.start(ctx, storeAddParticipant, room)
	c, err := ms.st.AddParticipant(ctx, appointmentID, provider, room, p)
	ms.end(ctx, storeAddParticipant, sp, t0, err)
	return c, err
}

func (ms *measuredStore) AddIssue(ctx context.Context, appointmentID string, issue TechnicalIssue) (*Consultation, error) {
	ctx, sp, t0 := ms.start(ctx, storeAddIssue, "")
	c, err := ms.st.AddIssue(ctx, appointmentID, issue)
	ms.end(ctx, storeAddIssue, sp, t0, err)
	return c, err
}

func (ms *measuredStore) AddRecording(ctx context.Context, appointmentID string, rec Recording) (*Consultation, error) {
	ctx, sp, t0 := ms.start(ctx, storeAddRecording, "")
	c, err := ms.st.AddRecording(ctx, appointmentID, rec)
	ms.end(ctx, storeAddRecording, sp, t0, err)
	return c, err
}
