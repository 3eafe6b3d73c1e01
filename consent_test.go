package video_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// consentConfig is testConfig with the consent check on, as by default.
func consentConfig() video.Config {
	cfg := testConfig()
	cfg.RecordingConsent = true
	return cfg
}

func TestRecordingWaitsForEveryPatientsConsent(t *testing.T) {
	r := newRig(t, consentConfig())
	ctx := context.Background()
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.token(t, "a1", "p-ann", video.RolePatient)
	r.token(t, "a1", "p-bob", video.RolePatient)
	refused := 0

	_, err := r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrConsentRequired)
	assert.Contains(t, err.Error(), "2 patient(s)")
	assert.NotContains(t, err.Error(), "p-ann", "the error names no patient")
	assert.NotContains(t, err.Error(), "p-bob", "the error names no patient")
	refused++
	_, err = r.svc.RecordConsent(ctx, "a1", "p-ann", true)
	require.NoError(t, err)
	_, err = r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrConsentRequired, "one patient of two")
	refused++
	assert.Zero(t, r.ov.Calls(videotest.OpStartRecording), "the provider is not asked")

	_, err = r.svc.RecordConsent(ctx, "a1", "p-bob", true)
	require.NoError(t, err)
	rec, err := r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.Equal(t, video.RecordingActive, rec.Status)

	r.clock.Advance(time.Minute)
	c, err := r.svc.RecordConsent(ctx, "a1", "p-bob", false)
	require.NoError(t, err)
	assert.Equal(t, 1, r.ov.Calls(videotest.OpStopRecording), "withdrawing consent stopped the recording")
	for _, got := range c.Recordings {
		assert.NotEqual(t, video.RecordingActive, got.Status)
	}
	require.Len(t, c.Consents, 3, "the audit trail keeps every answer")
	last := c.Consents[2]
	assert.Equal(t, "p-bob", last.PatientID)
	assert.False(t, last.Granted)
	assert.True(t, last.At.Equal(r.clock.Now()))
	assert.False(t, c.Consented("p-bob"))
	assert.True(t, c.Consented("p-ann"))

	_, err = r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrConsentRequired, "withdrawn is withdrawn")
	refused++
	t.Logf("recordings refused for want of consent: %d", refused)
}

func TestConsentCanBeCollectedElsewhere(t *testing.T) {
	r := newRig(t, testConfig()) // VIDEO_RECORDING_CONSENT=false
	ctx := context.Background()
	r.token(t, "a1", "p-ann", video.RolePatient)
	_, err := r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.True(t, video.DefaultConfig().RecordingConsent, "on by default")
}

// Consent may be given before anyone joins, and is refused for what cannot be.
func TestConsentBeforeTheConsultation(t *testing.T) {
	r := newRig(t, consentConfig())
	ctx := context.Background()
	c, err := r.svc.RecordConsent(ctx, "a1", "p-ann", true)
	require.NoError(t, err)
	assert.Equal(t, ovName, c.Provider, "pinned, as a first token would")
	r.token(t, "a1", "p-ann", video.RolePatient)
	_, err = r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	_, err = r.svc.RecordConsent(ctx, "a1", "", true)
	assert.ErrorIs(t, err, video.ErrInvalidArgument)
	_, err = r.svc.RecordConsent(ctx, "a\n1", "p-ann", true)
	assert.ErrorIs(t, err, video.ErrInvalidArgument)
}

// blockingStart is a provider whose recording start waits for release: a withdrawal can land
// while it runs.
type blockingStart struct {
	*videotest.Provider
	started, release chan struct{}
}

func (b blockingStart) StartRecording(ctx context.Context, room string) (*video.Recording, error) {
	close(b.started)
	<-b.release
	return b.Provider.StartRecording(ctx, room)
}

// A withdrawal that lands while the recording starts stops it, and the start is refused.
func TestAWithdrawalDuringTheStartStopsIt(t *testing.T) {
	ov := blockingStart{videotest.NewProvider(ovName), make(chan struct{}), make(chan struct{})}
	svc, err := video.New(consentConfig(), []video.Provider{ov})
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	_, err = svc.GenerateMeetingToken(ctx, "a1", "p-ann", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	_, err = svc.RecordConsent(ctx, "a1", "p-ann", true)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { _, err := svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor); done <- err }()
	<-ov.started
	_, err = svc.RecordConsent(ctx, "a1", "p-ann", false) // no recording is stored yet: nothing to stop
	require.NoError(t, err)
	close(ov.release)
	require.ErrorIs(t, <-done, video.ErrConsentRequired, "the start sees the withdrawal")
	c, err := svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	require.Len(t, c.Recordings, 1)
	assert.Equal(t, video.RecordingComplete, c.Recordings[0].Status, "and stops what it started")
}

// A full trail still takes a withdrawal.
func TestAFullTrailStillTakesAWithdrawal(t *testing.T) {
	r := newRig(t, consentConfig())
	ctx := context.Background()
	r.token(t, "a1", "p-ann", video.RolePatient)
	for range 99 {
		_, err := r.svc.RecordConsent(ctx, "a1", "p-ann", true)
		require.NoError(t, err)
	}
	_, err := r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	_, err = r.svc.RecordConsent(ctx, "a1", "p-ann", true)
	require.NoError(t, err, "the 100th answer")
	_, err = r.svc.RecordConsent(ctx, "a1", "p-ann", true)
	assert.ErrorIs(t, err, video.ErrInvalidArgument, "no 101st yes")
	c, err := r.svc.RecordConsent(ctx, "a1", "p-ann", false)
	require.NoError(t, err, "but a withdrawal")
	assert.False(t, c.Consented("p-ann"))
	assert.Equal(t, 1, r.ov.Calls(videotest.OpStopRecording), "which stopped the recording")
	c, err = r.svc.RecordConsent(ctx, "a1", "p-ann", false)
	require.NoError(t, err)
	assert.Len(t, c.Consents, 101, "a second withdrawal adds nothing")
}

// A patient without consent given a token while the consultation is recorded: the recording
// stops first.
func TestAPatientWithoutConsentJoiningARecordingStopsIt(t *testing.T) {
	r := newRig(t, consentConfig())
	ctx := context.Background()
	r.token(t, "a1", "p-ann", video.RolePatient)
	_, err := r.svc.RecordConsent(ctx, "a1", "p-ann", true)
	require.NoError(t, err)
	_, err = r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	r.token(t, "a1", "p-ann", video.RolePatient) // consented: the recording goes on
	assert.Zero(t, r.ov.Calls(videotest.OpStopRecording))
	r.token(t, "a1", "p-bob", video.RolePatient)
	assert.Equal(t, 1, r.ov.Calls(videotest.OpStopRecording), "p-bob never consented")
}
