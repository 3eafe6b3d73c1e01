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
