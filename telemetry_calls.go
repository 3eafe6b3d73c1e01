package video

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// providerOp is one kind of call to a provider, as telemetry names it.
type providerOp int

const (
	callCreateRoom providerOp = iota
	callIssueToken
	callEndRoom
	callAdmit
	callParticipants
	callStartRecording
	callStopRecording
	providerOps // how many there are
)

var providerOpNames = [providerOps]string{"CreateRoom", "IssueToken", "EndRoom", "Admit", "Participants", "StartRecording", "StopRecording"}

// memberTelemetry is a provider's measurement options made once, so that the hot path's
// measurements allocate nothing: the attributes of a successful call of each kind, and of an
// issued token for each role.
type memberTelemetry struct {
	okCall   [providerOps][]metric.RecordOption
	okToken  map[Role][]metric.AddOption
	spanName [providerOps]string
}

func newMemberTelemetry(name ProviderName) memberTelemetry {
	var mt memberTelemetry
	for op := range providerOps {
		mt.okCall[op] = []metric.RecordOption{metric.WithAttributes(attrProvider.String(string(name)),
			attrOperation.String(providerOpNames[op]), attrOutcome.String("ok"))}
		mt.spanName[op] = "video.provider." + providerOpNames[op]
	}
	mt.okToken = make(map[Role][]metric.AddOption, 3)
	for _, r := range []Role{RoleDoctor, RolePatient, RoleObserver} {
		mt.okToken[r] = []metric.AddOption{metric.WithAttributes(attrProvider.String(string(name)),
			attrRole.String(string(r)), attrOutcome.String("issued"))}
	}
	return mt
}

// providerCall is one call to a provider being measured (and traced under a recording span).
type providerCall struct {
	t     *telemetry
	m     *member
	op    providerOp
	sp    trace.Span
	start time.Time
}

// startCall begins measuring a call of kind op to m, about room ("" when none).
func (t *telemetry) startCall(ctx context.Context, m *member, op providerOp, room string) (context.Context, providerCall) {
	c := providerCall{t: t, m: m, op: op}
	if t.calls.Enabled(ctx) { // no clock read for a measurement that goes nowhere
		c.start = time.Now()
	}
	if t.tracing(ctx) {
		attrs := []attribute.KeyValue{attrProvider.String(string(m.name)), attrOperation.String(providerOpNames[op])}
		if room != "" {
			attrs = append(attrs, attrRoom.String(room))
		}
		ctx, c.sp = t.childSpan(ctx, m.tel.spanName[op], attrs...)
	}
	return ctx, c
}

// end records the call's duration and outcome, and ends its span.
func (c providerCall) end(ctx context.Context, err error) {
	switch {
	case c.start.IsZero():
	case err == nil:
		c.t.calls.Record(ctx, seconds(c.start), c.m.tel.okCall[c.op]...)
	default:
		c.t.calls.Record(ctx, seconds(c.start), metric.WithAttributes(attrProvider.String(string(c.m.name)),
			attrOperation.String(providerOpNames[c.op]), attrOutcome.String(outcome(err)), attrErrorType.String(errorType(err))))
	}
	endSpan(c.sp, err)
}

// token counts a token request's outcome: by the provider that served it (none when no
// provider was reached), the role, and the outcome.
func (t *telemetry) token(ctx context.Context, m *member, role Role, err error) {
	if t == nil { // a zero Service
		return
	}
	if err == nil && m != nil {
		if opts, ok := m.tel.okToken[role]; ok {
			t.tokens.Add(ctx, 1, opts...)
			return
		}
	}
	attrs := make([]attribute.KeyValue, 0, 4)
	if m != nil {
		attrs = append(attrs, attrProvider.String(string(m.name)))
	}
	if role.Valid() {
		attrs = append(attrs, attrRole.String(string(role)))
	}
	if err == nil {
		attrs = append(attrs, attrOutcome.String("issued"))
	} else {
		attrs = append(attrs, attrOutcome.String(outcome(err)), attrErrorType.String(errorType(err)))
	}
	t.tokens.Add(ctx, 1, metric.WithAttributes(attrs...))
}

// probe wraps p's health check so that each probe's duration and outcome are measured: up,
// unprobed (a check that observes nothing: Unprobed), misconfigured (as misconfigured judges
// the error) or down.
func (t *telemetry) probe(p Provider, misconfigured func(error) bool) func(context.Context) error {
	name, check := p.Name(), p.Check
	unprobed, _ := p.(Unprobed)
	outcomes := map[string][]metric.RecordOption{}
	for _, o := range []string{"up", "unprobed", "down", "misconfigured"} {
		outcomes[o] = []metric.RecordOption{metric.WithAttributes(attrProvider.String(string(name)), attrOutcome.String(o))}
	}
	return func(ctx context.Context) error {
		start := time.Now()
		err := check(ctx)
		o := "up"
		switch {
		case err == nil && unprobed != nil && unprobed.Unprobed():
			o = "unprobed"
		case err != nil && misconfigured(err):
			o = "misconfigured"
		case err != nil:
			o = "down"
		}
		t.probes.Record(ctx, seconds(start), outcomes[o]...)
		return err
	}
}

// failover counts a new room opened on `to` because `from`, the first choice, could not take
// it, for reason: its health state, or "error" when the call failed.
func (t *telemetry) failover(ctx context.Context, from, to ProviderName, reason string) {
	if t == nil { // a zero Service
		return
	}
	t.failovers.Add(ctx, 1, metric.WithAttributes(attrFrom.String(string(from)), attrTo.String(string(to)), attrReason.String(reason)))
}

// migration counts a move that was stored (and announced), by its reason in one word.
func (t *telemetry) migration(ctx context.Context, mig Migration) {
	if t == nil { // a zero Service
		return
	}
	t.migrations.Add(ctx, 1, metric.WithAttributes(attrFrom.String(string(mig.From)), attrTo.String(string(mig.To)),
		attrReason.String(migrationReason(mig.Reason))))
}

// migrationReason is a move's stored reason as a bounded attribute value.
func migrationReason(reason string) string {
	switch {
	case strings.HasPrefix(reason, "store fault"):
		return "store_fault"
	case reason == "provider not configured":
		return "not_configured"
	case reason == "provider slow":
		return "slow"
	case strings.HasPrefix(reason, "provider "):
		if st := HealthState(strings.TrimPrefix(reason, "provider ")); st == HealthDown || st == HealthMisconfigured || st == HealthUnknown {
			return string(st)
		}
	}
	return "_OTHER"
}

// createRoom asks m to create room, measured.
func (s *Service) createRoom(ctx context.Context, m *member, room string) error {
	ctx, call := s.tel.startCall(ctx, m, callCreateRoom, room)
	err := m.p.CreateRoom(ctx, room)
	call.end(ctx, err)
	return err
}

// endRoom asks m to close room, measured.
func (s *Service) endRoom(ctx context.Context, m *member, room string) error {
	ctx, call := s.tel.startCall(ctx, m, callEndRoom, room)
	err := m.p.EndRoom(ctx, room)
	call.end(ctx, err)
	return err
}

// endToken counts a token request and ends its span: the provider that served it (or, for an
// error, the one it names) and the role.
func (s *Service) endToken(ctx context.Context, sp trace.Span, role Role, tok *MeetingToken, err error) {
	var m *member
	switch {
	case s.f == nil: // a zero Service
	case tok != nil:
		m = s.f.member(tok.Provider)
	case err != nil:
		m = s.f.member(providerOf(err))
	}
	s.tel.token(ctx, m, role, err)
	if sp.IsRecording() {
		if role.Valid() {
			sp.SetAttributes(attrRole.String(string(role)))
		}
		if tok != nil {
			sp.SetAttributes(attrProvider.String(string(tok.Provider)), attrRoom.String(tok.Room))
		}
	}
	endOp(sp, nil, err)
}

// providerOf is the provider an error of the Service names, or "".
func providerOf(err error) ProviderName {
	var e *Error
	if errors.As(err, &e) {
		return e.Provider
	}
	return ""
}

// hedge counts a hedge away from the slow provider `from` to `to`, by how it ended: won (to
// answered first), lost (from answered first after all) or failed (neither did).
func (t *telemetry) hedge(ctx context.Context, from, to ProviderName, outcome string) {
	if t == nil {
		return
	}
	if to == "" { // no other provider took it
		t.hedges.Add(ctx, 1, metric.WithAttributes(attrFrom.String(string(from)), attrOutcome.String(outcome)))
		return
	}
	t.hedges.Add(ctx, 1, metric.WithAttributes(attrFrom.String(string(from)), attrTo.String(string(to)), attrOutcome.String(outcome)))
}
