package video_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// observed is what the SDK collected from a Service: its metrics on demand, its spans as they
// end.
type observed struct {
	reader *sdkmetric.ManualReader
	spans  *tracetest.SpanRecorder
}

// observe returns the options that send a Service's telemetry to an in-memory SDK, and what
// that SDK collects.
func observe(t *testing.T) (*observed, []video.Option) {
	t.Helper()
	o := &observed{reader: sdkmetric.NewManualReader(), spans: tracetest.NewSpanRecorder()}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(o.reader))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(o.spans))
	t.Cleanup(func() {
		_ = mp.Shutdown(context.Background())
		_ = tp.Shutdown(context.Background())
	})
	return o, []video.Option{video.WithMeterProvider(mp), video.WithTracerProvider(tp)}
}

// metrics collects every metric now.
func (o *observed) metrics(t *testing.T) metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, o.reader.Collect(context.Background(), &rm))
	out := metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// metrics are the collected metrics by name.
type metrics map[string]metricdata.Metrics

// matches reports whether set has every attribute of want (key=value).
func matches(set attribute.Set, want []string) bool {
	for _, kv := range want {
		k, v, _ := strings.Cut(kv, "=")
		got, ok := set.Value(attribute.Key(k))
		if v == "" {
			if ok {
				return false // "key=" asks for the attribute's absence
			}
			continue
		}
		if !ok || got.Emit() != v {
			return false
		}
	}
	return true
}

// count sums an int64 counter's points, or counts a histogram's measurements, over the series
// with every attribute of want ("key=value"; "key=" for absent).
func (ms metrics) count(name string, want ...string) int64 {
	var n int64
	switch d := ms[name].Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			if matches(p.Attributes, want) {
				n += p.Value
			}
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			if matches(p.Attributes, want) {
				n += int64(p.Count)
			}
		}
	case metricdata.Gauge[int64]:
		for _, p := range d.DataPoints {
			if matches(p.Attributes, want) {
				n += p.Value
			}
		}
	}
	return n
}

// named returns the ended spans called name.
func (o *observed) named(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range o.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// children returns the names of the ended spans whose parent is sp, in the order they ended.
func (o *observed) children(sp sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range o.spans.Ended() {
		if s.Parent().SpanID() == sp.SpanContext().SpanID() && s.SpanContext().TraceID() == sp.SpanContext().TraceID() {
			out = append(out, s.Name())
		}
	}
	return out
}

// attr returns the span's attribute key, or "" when it has none.
func attr(sp sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range sp.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.Emit()
		}
	}
	return ""
}

// exported is every string the SDK would export: span names, attributes, statuses, events and
// links, resources and scopes; metric names, descriptions and every data point's attributes.
func (o *observed) exported(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	kvs := func(attrs ...attribute.KeyValue) {
		for _, kv := range attrs {
			b.WriteString(string(kv.Key) + "=" + kv.Value.Emit() + "\n")
		}
	}
	for _, s := range o.spans.Ended() {
		b.WriteString(s.Name() + "\n" + s.Status().Description + "\n" + s.InstrumentationScope().Name + "\n")
		kvs(s.Attributes()...)
		kvs(s.Resource().Attributes()...)
		for _, e := range s.Events() {
			b.WriteString(e.Name + "\n")
			kvs(e.Attributes...)
		}
		for _, l := range s.Links() {
			kvs(l.Attributes...)
		}
	}
	var rm metricdata.ResourceMetrics
	require.NoError(t, o.reader.Collect(context.Background(), &rm))
	kvs(rm.Resource.Attributes()...)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			b.WriteString(m.Name + "\n" + m.Description + "\n" + m.Unit + "\n")
			for _, set := range pointSets(t, m) {
				kvs(set.ToSlice()...)
			}
		}
	}
	return b.String()
}

// requireNoLeak fails if the exported telemetry contains any of secrets.
func requireNoLeak(t *testing.T, exported string, secrets ...string) {
	t.Helper()
	require.NotEmpty(t, exported)
	for _, s := range secrets {
		require.NotEmpty(t, s)
		require.NotContains(t, exported, s)
	}
}

// requireOnlyAllowed fails unless every attribute the library exported, on a span or a metric,
// has a known key and a value from that key's fixed list (a provider of providers, a room of
// rooms), and every span is named "video." and a known name: nothing a caller or a sender
// chose can get in.
func requireOnlyAllowed(t *testing.T, o *observed, providers []string, rooms ...string) {
	t.Helper()
	set := func(vs ...string) map[string]bool {
		m := map[string]bool{}
		for _, v := range vs {
			m[v] = true
		}
		return m
	}
	ops := set("GenerateMeetingToken", "StartConsultation", "EndConsultation", "ConsultationStatus", "ReportTechnicalIssue",
		"ProcessRecording", "StartRecording", "StopRecording", "AdmitParticipant", "Participants", "Schedule", "RecordConsent",
		"WebhookHandler", "CreateRoom", "IssueToken", "EndRoom", "Admit", "Get", "GetByRoom", "Create", "Update",
		"AddParticipant", "AddIssue", "AddRecording")
	allowed := map[string]map[string]bool{
		"video.provider":  set(providers...),
		"video.from":      set(providers...),
		"video.to":        set(providers...),
		"video.room":      set(rooms...),
		"video.operation": ops,
		"video.role":      set("doctor", "patient", "observer"),
		"video.outcome": set("ok", "refused", "canceled", "failed", "issued", "applied", "duplicate", "ignored", "unavailable",
			"up", "down", "misconfigured", "unprobed", "not_found", "conflict", "ended", "error", "won", "lost"),
		"video.state":  set("up", "down", "misconfigured", "unknown", "unprobed"),
		"video.reason": set("down", "misconfigured", "unknown", "error", "slow", "suspect", "not_configured", "store_fault", "_OTHER"),
		"video.event":  set("room_started", "room_finished", "participant_joined", "participant_left", "recording_ended", "other"),
		"error.type": set("invalid_argument", "invalid_config", "not_found", "consultation_ended", "forbidden", "disabled",
			"unsupported", "unavailable", "unauthenticated", "all_providers_failed", "conflict", "store", "closed", "too_early",
			"too_late", "consent_required", "canceled", "timeout", "_OTHER", "method", "no_receiver"),
	}
	check := func(where string, attrs ...attribute.KeyValue) {
		for _, kv := range attrs {
			vals, ok := allowed[string(kv.Key)]
			require.True(t, ok, "%s: attribute %s is not one the library may export", where, kv.Key)
			require.True(t, vals[kv.Value.Emit()], "%s: %s=%q is not among its values", where, kv.Key, kv.Value.Emit())
		}
	}
	for _, s := range o.spans.Ended() {
		name, ok := strings.CutPrefix(s.Name(), "video.")
		name = strings.TrimPrefix(strings.TrimPrefix(name, "provider."), "store.")
		require.True(t, ok && ops[name], "span %q", s.Name())
		check("span "+s.Name(), s.Attributes()...)
		for _, e := range s.Events() {
			check("event "+e.Name, e.Attributes...)
		}
	}
	var rm metricdata.ResourceMetrics
	require.NoError(t, o.reader.Collect(context.Background(), &rm))
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			for _, set := range pointSets(t, m) {
				check("metric "+m.Name, set.ToSlice()...)
			}
		}
	}
}

// pointSets returns the attribute sets of every data point of m.
func pointSets(t *testing.T, m metricdata.Metrics) []attribute.Set {
	var sets []attribute.Set
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			sets = append(sets, p.Attributes)
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			sets = append(sets, p.Attributes)
		}
	case metricdata.Gauge[int64]:
		for _, p := range d.DataPoints {
			sets = append(sets, p.Attributes)
		}
	default:
		t.Fatalf("metric %s has data of a kind the scan does not read: %T", m.Name, m.Data)
	}
	return sets
}
