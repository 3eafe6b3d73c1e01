package video_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testenv"
	"github.com/teleconsult/video/jitsi"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// The people and appointments of the telemetry tests: distinctive, so that a scan finds any.
const (
	telApptMoved  = "appt-telemetry-moved-5e1d"
	telApptNew    = "appt-telemetry-new-9a3c"
	telDoctor     = "doctor-gregory-house-491"
	telPatient    = "patient-jane-roe-77"
	telPatientEml = "jane.roe.77@example.org"
	telPatientNm  = "Jane Quincy Roe"
)

// failingStore fails Get on demand, as an unreachable store would.
type failingStore struct {
	video.Store
	fail atomic.Bool
}

var errStoreDown = errors.New("dial tcp 10.1.2.3:6379: connection refused")

func (s *failingStore) Get(ctx context.Context, id string) (*video.Consultation, error) {
	if s.fail.Load() {
		return nil, errStoreDown
	}
	return s.Store.Get(ctx, id)
}

// TestTelemetryFollowsAnOutage scripts what on-call needs to see: the primary goes down, a new
// appointment fails over, a pinned one migrates, webhooks arrive (applied, repeated, forged,
// ignored), a token is refused, the store fails. Every metric and span is asserted after it.
func TestTelemetryFollowsAnOutage(t *testing.T) {
	testenv.TraceContext(t)
	obs, opts := observe(t)
	st := &failingStore{Store: video.NewMemoryStore()}
	r := newRig(t, testConfig(), append(opts, video.WithStore(st))...)
	ctx := context.Background()
	info := video.UserInfo{DisplayName: telPatientNm, Email: telPatientEml}

	first := r.token(t, telApptMoved, telDoctor, video.RoleDoctor)
	require.Equal(t, ovName, first.Provider)

	r.ov.SetHealthy(false)
	report := r.refresh(t)
	require.Equal(t, video.HealthDown, report.Providers[0].State)

	moved, err := r.svc.GenerateMeetingToken(ctx, telApptMoved, telPatient, video.RolePatient, info)
	require.NoError(t, err)
	require.Equal(t, jtName, moved.Provider, "the pinned appointment migrated")
	fresh := r.token(t, telApptNew, telDoctor, video.RoleDoctor)
	require.Equal(t, jtName, fresh.Provider, "the new appointment failed over")
	r.ov.SetHealthy(true) // the fake refuses every call while down, webhooks too; the Service still believes it down

	hooks := r.svc.WebhookHandler()
	post := func(req *http.Request) int {
		w := httptest.NewRecorder()
		hooks.ServeHTTP(w, req)
		return w.Code
	}
	joined := video.WebhookEvent{ID: "evt-1", Kind: video.WebhookParticipantJoined, Room: fresh.Room, UserID: telDoctor,
		Role: video.RoleDoctor, At: r.clock.Now()}
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{0x4b, 1}, SpanID: trace.SpanID{0x4b, 2}, TraceFlags: trace.FlagsSampled})
	traced := r.jt.WebhookRequest(joined)
	propagation.TraceContext{}.Inject(trace.ContextWithRemoteSpanContext(ctx, parent), propagation.HeaderCarrier(traced.Header))
	require.Equal(t, http.StatusOK, post(traced))
	require.Equal(t, http.StatusOK, post(r.jt.WebhookRequest(joined)), "a repeated delivery")
	forged := r.jt.WebhookRequest(joined)
	forged.Header = http.Header{}
	propagation.TraceContext{}.Inject(trace.ContextWithRemoteSpanContext(ctx, parent), propagation.HeaderCarrier(forged.Header))
	require.Equal(t, http.StatusUnauthorized, post(forged))
	require.Equal(t, http.StatusOK, post(r.jt.WebhookRequest(video.WebhookEvent{ID: "evt-2", Kind: video.WebhookRoomStarted, Room: fresh.Room})))

	_, err = r.svc.EndConsultation(ctx, telApptNew, telDoctor, video.RoleDoctor)
	require.NoError(t, err)
	_, err = r.svc.GenerateMeetingToken(ctx, telApptNew, telPatient, video.RolePatient, info)
	require.ErrorIs(t, err, video.ErrConsultationEnded)

	st.fail.Store(true)
	_, err = r.svc.ConsultationStatus(ctx, telApptMoved)
	require.ErrorIs(t, err, video.ErrStore)
	st.fail.Store(false)

	ms := obs.metrics(t)
	t.Run("tokens", func(t *testing.T) {
		assert.EqualValues(t, 1, ms.count("video.tokens", "video.provider=openvidu", "video.role=doctor", "video.outcome=issued"))
		assert.EqualValues(t, 1, ms.count("video.tokens", "video.provider=jitsi", "video.role=patient", "video.outcome=issued"))
		assert.EqualValues(t, 1, ms.count("video.tokens", "video.provider=jitsi", "video.role=doctor", "video.outcome=issued"))
		assert.EqualValues(t, 1, ms.count("video.tokens", "video.role=patient", "video.outcome=refused", "error.type=consultation_ended"))
		assert.EqualValues(t, 4, ms.count("video.tokens"))
	})
	t.Run("failovers and migrations", func(t *testing.T) {
		assert.EqualValues(t, 1, ms.count("video.failovers", "video.from=openvidu", "video.to=jitsi", "video.reason=down"))
		assert.EqualValues(t, 1, ms.count("video.failovers"))
		assert.EqualValues(t, 1, ms.count("video.migrations", "video.from=openvidu", "video.to=jitsi", "video.reason=down"))
		assert.EqualValues(t, 1, ms.count("video.migrations"))
	})
	t.Run("health", func(t *testing.T) {
		assert.EqualValues(t, 1, ms.count("video.provider.health", "video.provider=openvidu", "video.state=down"))
		assert.EqualValues(t, 0, ms.count("video.provider.health", "video.provider=openvidu", "video.state=up"))
		assert.EqualValues(t, 1, ms.count("video.provider.health", "video.provider=jitsi", "video.state=up"))
		assert.EqualValues(t, 2, ms.count("video.provider.health"), "one state at a time per provider")
		assert.EqualValues(t, 1, ms.count("video.provider.probe.duration", "video.provider=openvidu", "video.outcome=down"))
		assert.GreaterOrEqual(t, ms.count("video.provider.probe.duration", "video.provider=jitsi", "video.outcome=up"), int64(1))
	})
	t.Run("provider calls", func(t *testing.T) {
		call := func(p, op string) int64 {
			return ms.count("video.provider.call.duration", "video.provider="+p, "video.operation="+op, "video.outcome=ok")
		}
		assert.EqualValues(t, 1, call("openvidu", "CreateRoom"))
		assert.EqualValues(t, 1, call("openvidu", "IssueToken"))
		assert.EqualValues(t, 2, call("jitsi", "CreateRoom"), "the migration's room and the new appointment's")
		assert.EqualValues(t, 3, call("jitsi", "IssueToken"), "the refused token was signed before its record refused it")
		assert.EqualValues(t, 1, call("jitsi", "EndRoom"))
		assert.EqualValues(t, 8, ms.count("video.provider.call.duration"))
	})
	t.Run("store", func(t *testing.T) {
		store := func(op, outcome string) int64 {
			return ms.count("video.store.call.duration", "video.operation="+op, "video.outcome="+outcome)
		}
		assert.EqualValues(t, 2, store("Create", "ok"))
		assert.EqualValues(t, 3, store("AddParticipant", "ok"))
		assert.EqualValues(t, 3, store("Update", "ok"), "the migration, the doctor's join (a start), the end")
		assert.EqualValues(t, 2, store("Get", "not_found"), "two new appointments")
		assert.EqualValues(t, 1, store("Get", "error"))
		assert.EqualValues(t, 1, ms.count("video.store.errors", "video.operation=Get", "error.type=_OTHER"))
		assert.EqualValues(t, 1, ms.count("video.store.errors"))
	})
	t.Run("webhooks", func(t *testing.T) {
		ev := func(want ...string) int64 { return ms.count("video.webhook.events", want...) }
		assert.EqualValues(t, 1, ev("video.provider=jitsi", "video.event=participant_joined", "video.outcome=applied"))
		assert.EqualValues(t, 1, ev("video.provider=jitsi", "video.event=participant_joined", "video.outcome=duplicate"))
		assert.EqualValues(t, 1, ev("video.provider=", "video.event=", "video.outcome=refused", "error.type=unauthenticated"))
		assert.EqualValues(t, 1, ev("video.provider=jitsi", "video.event=room_started", "video.outcome=ignored"))
		assert.EqualValues(t, 4, ev())
	})

	t.Run("spans", func(t *testing.T) {
		require.Len(t, obs.spans.Ended(), len(obs.spans.Started()), "every span started was ended")
		tokens := obs.named("video.GenerateMeetingToken")
		require.Len(t, tokens, 4)
		var failover, migration, refused = tokens[2], tokens[1], tokens[3]

		assert.Equal(t, []string{"video.store.Get", "video.provider.CreateRoom", "video.store.Create", "video.provider.IssueToken",
			"video.store.AddParticipant"}, obs.children(failover), "a new appointment: read, room, pin, token, record")
		for _, s := range obs.spans.Ended() {
			if s.Parent().SpanID() != failover.SpanContext().SpanID() {
				continue
			}
			assert.Equal(t, trace.SpanKindClient, s.SpanKind(), s.Name())
			if s.Name() != "video.store.Get" { // by appointment: the room is not known yet
				assert.Equal(t, fresh.Room, attr(s, "video.room"), s.Name())
			}
			if s.Name() == "video.provider.CreateRoom" {
				assert.Equal(t, "jitsi", attr(s, "video.provider"))
				assert.Equal(t, "CreateRoom", attr(s, "video.operation"))
			}
		}
		assert.Equal(t, "jitsi", attr(failover, "video.provider"))
		assert.Equal(t, fresh.Room, attr(failover, "video.room"))
		assert.Equal(t, "ok", attr(failover, "video.outcome"))
		assert.Equal(t, "GenerateMeetingToken", attr(failover, "video.operation"))
		assert.Equal(t, "doctor", attr(failover, "video.role"))
		assert.Equal(t, codes.Unset, failover.Status().Code)

		assert.Equal(t, "jitsi", attr(migration, "video.provider"))
		assert.Contains(t, obs.children(migration), "video.store.Update")
		assert.Contains(t, obs.children(migration), "video.provider.CreateRoom")

		assert.Equal(t, codes.Unset, refused.Status().Code, "a refusal is the request's answer, not a failure")
		assert.Equal(t, "consultation_ended", attr(refused, "error.type"), "the kind, never the message")
		assert.Equal(t, "refused", attr(refused, "video.outcome"))
		assert.Empty(t, refused.Events(), "no error message is recorded")

		status := obs.named("video.ConsultationStatus")
		require.Len(t, status, 1)
		assert.Equal(t, codes.Error, status[0].Status().Code)
		assert.Equal(t, "store", status[0].Status().Description, "the kind, never the message")
		assert.Equal(t, []string{"video.store.Get"}, obs.children(status[0]))
		get := obs.named("video.store.Get")
		assert.Equal(t, "_OTHER", attr(get[len(get)-1], "error.type"))

		hooks := obs.named("video.WebhookHandler")
		require.Len(t, hooks, 4)
		assert.Equal(t, trace.SpanKindServer, hooks[0].SpanKind())
		assert.NotEqual(t, parent.TraceID(), hooks[0].SpanContext().TraceID(), "a sender's header never chooses the trace")
		assert.False(t, hooks[0].Parent().IsValid(), "a root span")
		require.Len(t, hooks[0].Links(), 1, "linked to the sender's trace once its signature is verified")
		assert.Equal(t, parent.TraceID(), hooks[0].Links()[0].SpanContext.TraceID())
		assert.Equal(t, parent.SpanID(), hooks[0].Links()[0].SpanContext.SpanID())
		assert.Equal(t, "applied", attr(hooks[0], "video.outcome"))
		assert.Equal(t, "participant_joined", attr(hooks[0], "video.event"))
		assert.Equal(t, fresh.Room, attr(hooks[0], "video.room"))
		assert.Contains(t, obs.children(hooks[0]), "video.store.GetByRoom")
		assert.Equal(t, "duplicate", attr(hooks[1], "video.outcome"))
		assert.Equal(t, "refused", attr(hooks[2], "video.outcome"))
		assert.Equal(t, "unauthenticated", attr(hooks[2], "error.type"))
		assert.Empty(t, hooks[2].Links(), "a forged delivery links to nothing")
		assert.Equal(t, "ignored", attr(hooks[3], "video.outcome"))
	})

	t.Run("nothing about a patient or a secret", func(t *testing.T) {
		requireNoLeak(t, obs.exported(t), telApptMoved, telApptNew, telDoctor, telPatient, telPatientEml, telPatientNm,
			first.Token, moved.Token, fresh.Token, moved.JoinURL, testRoomKey, errStoreDown.Error(), "10.1.2.3")
		requireOnlyAllowed(t, obs, []string{"openvidu", "jitsi"}, first.Room, fresh.Room)
	})
}

// TestTelemetryOfARealProviderLeaksNothing runs a consultation on the real Jitsi provider, whose
// tokens carry the participant's name and email, signed with its app secret, and scans every
// exported attribute for them.
func TestTelemetryOfARealProviderLeaksNothing(t *testing.T) {
	const appSecret = "telemetry-jitsi-app-secret-0f3e9d2c1b"
	obs, opts := observe(t)
	jcfg := jitsi.DefaultConfig()
	jcfg.Domain, jcfg.AppID, jcfg.AppSecret, jcfg.HealthProbe = "meet.example.com", "teleconsult", appSecret, jitsi.ProbeOff
	jp, err := jitsi.New(jcfg)
	require.NoError(t, err)
	cfg := testConfig()
	cfg.Provider = jitsi.Name
	svc, err := video.New(cfg, []video.Provider{jp}, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	ctx := context.Background()

	var issued []string
	for _, p := range []struct {
		user string
		role video.Role
	}{{telDoctor, video.RoleDoctor}, {telPatient, video.RolePatient}} {
		tok, err := svc.GenerateMeetingToken(ctx, telApptNew, p.user, p.role, video.UserInfo{DisplayName: telPatientNm, Email: telPatientEml})
		require.NoError(t, err)
		require.Contains(t, jwtPayload(t, tok.Token), telPatientNm, "the token carries what the scan looks for")
		issued = append(issued, tok.Token, tok.JoinURL)
	}
	_, err = svc.StartConsultation(ctx, telApptNew, telDoctor, video.RoleDoctor)
	require.NoError(t, err)
	_, err = svc.StartRecording(ctx, telApptNew, telDoctor, video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrUnsupported)
	_, err = svc.EndConsultation(ctx, telApptNew, telDoctor, video.RoleDoctor)
	require.NoError(t, err)
	_, err = svc.GenerateMeetingToken(ctx, telApptNew, telPatient, video.RolePatient, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrConsultationEnded)

	assert.NotEmpty(t, obs.named("video.provider.IssueToken"))
	assert.EqualValues(t, 2, obs.metrics(t).count("video.tokens", "video.provider=jitsi", "video.outcome=issued"))
	requireNoLeak(t, obs.exported(t), append(issued, appSecret, testRoomKey, telApptNew, telDoctor, telPatient,
		telPatientEml, telPatientNm)...)
	for _, tok := range issued[:1] {
		requireNoLeak(t, obs.exported(t), tok[:20], tok[len(tok)-20:])
	}
}

// TestTelemetryFollowsTheGlobalProviders checks the fallback to the global providers: a
// Service given none records nothing while OpenTelemetry has no SDK installed, and records
// once one is installed, without being made again. It changes the process's global providers,
// so it runs in a process of its own.
func TestTelemetryFollowsTheGlobalProviders(t *testing.T) {
	if os.Getenv("VIDEO_TEST_GLOBAL_OTEL") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestTelemetryFollowsTheGlobalProviders$", "-test.count", "1", "-test.v")
		cmd.Env = append(os.Environ(), "VIDEO_TEST_GLOBAL_OTEL=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.Contains(t, string(out), "--- PASS: TestTelemetryFollowsTheGlobalProviders")
		return
	}
	r := newRig(t, testConfig())
	r.token(t, telApptNew, telDoctor, video.RoleDoctor)

	obs := &observed{reader: sdkmetric.NewManualReader(), spans: tracetest.NewSpanRecorder()}
	otel.SetMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(obs.reader)))
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(obs.spans)))
	r.token(t, telApptNew, telPatient, video.RolePatient)

	ms := obs.metrics(t)
	assert.EqualValues(t, 1, ms.count("video.tokens"), "only the token after the SDK was installed")
	assert.EqualValues(t, 1, ms.count("video.tokens", "video.role=patient", "video.outcome=issued"))
	assert.EqualValues(t, 1, ms.count("video.provider.call.duration", "video.operation=IssueToken"))
	assert.EqualValues(t, 1, ms.count("video.provider.health", "video.provider=openvidu", "video.state=up"))
	tokens := obs.named("video.GenerateMeetingToken")
	require.Len(t, tokens, 1)
	assert.Equal(t, "patient", attr(tokens[0], "video.role"))
	assert.Equal(t, []string{"video.provider.IssueToken", "video.store.AddParticipant"}, obs.children(tokens[0]))
}
