package video_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// TestNoSecretOrTokenInLogsOrErrors runs every operation, failover, migration and failure
// with logging at debug level, then looks for every secret and every issued token in what
// was logged and in every error returned.
func TestNoSecretOrTokenInLogsOrErrors(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	var tokens []string
	var errs []string
	keep := func(tok *video.MeetingToken, err error) {
		if err != nil {
			errs = append(errs, err.Error())
			return
		}
		tokens = append(tokens, tok.Token)
		r.logs.Handle(ctx, logRecord("token issued", slog.Any("token", tok)))
		errs = append(errs, fmt.Sprint(tok), fmt.Sprintf("%+v", tok))
	}
	keep(r.svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{DisplayName: "Dr. Who"}))
	keep(r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{DisplayName: "Pat"}))
	_, err := r.svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	r.ov.SetHealthy(false)
	r.refresh(t)
	keep(r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{}))
	r.jt.Fail(videotest.OpCreateRoom, errors.New("jitsi: 503"))
	keep(r.svc.GenerateMeetingToken(ctx, "a2", "doc", video.RoleDoctor, video.UserInfo{}))
	keep(r.svc.GenerateMeetingToken(ctx, "a3", "doc", video.Role("x"), video.UserInfo{}))
	require.NoError(t, r.svc.ReportTechnicalIssue(ctx, "a1", "pat", video.TechnicalIssue{Category: video.IssueVideo}))
	_, err = r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	keep(r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{}))

	require.GreaterOrEqual(t, len(tokens), 3)
	logged := r.logs.text()
	require.Contains(t, logged, "video service initialised", "the logs were captured")
	require.Contains(t, logged, "consultation migrated")
	require.Contains(t, logged, "all video providers failed")
	everything := logged + strings.Join(errs, "\n")
	for _, secret := range append([]string{testRoomKey}, tokens...) {
		assert.NotContains(t, everything, secret)
	}
}
