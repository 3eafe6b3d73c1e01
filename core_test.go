package video_test

// Regression tests of the core under races and reordering (the items of the white-box review).

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// 3. An end whose earlier provider's room could not be closed is not reported as a success.
func TestEndReportsAnEarlierRoomLeftOpen(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	r.token(t, "a1", "doc", video.RoleDoctor) // on openvidu
	r.ov.SetHealthy(false)
	r.token(t, "a1", "pat", video.RolePatient) // moved to jitsi
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	require.Equal(t, jtName, c.Provider)

	_, err = r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrUnavailable, "openvidu's room is still open")
	assert.Equal(t, 1, r.jt.Calls(videotest.OpEndRoom), "the other rooms were closed all the same")
	c, err = r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, video.StatusEnded, c.Status(), "ended in the record")

	r.ov.SetHealthy(true)
	_, err = r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err, "calling again finishes it")
	assert.Empty(t, r.ov.Rooms())
}

// 6. A request's fault never marks a provider down, on any path.
func TestARequestsFaultNeverMarksAProviderDown(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.Fail(videotest.OpCreateRoom, fmt.Errorf("%w: the vendor refuses this room", video.ErrInvalidArgument))
	_, err := r.svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrInvalidArgument)
	r.ov.Fail(videotest.OpIssueToken, fmt.Errorf("%w: the vendor refuses this user", video.ErrInvalidArgument))
	_, err = r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrInvalidArgument)
	assert.Equal(t, video.HealthUp, r.svc.CachedHealth().Providers[0].State, "still up")
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, ovName, c.Provider, "not migrated")
	assert.Empty(t, c.Migrations)
	assert.Zero(t, r.migrated.Load())
}
