package video_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

var allKinds = []error{video.ErrInvalidArgument, video.ErrInvalidConfig, video.ErrNotFound, video.ErrConsultationEnded,
	video.ErrForbidden, video.ErrDisabled, video.ErrUnsupported, video.ErrUnavailable, video.ErrUnauthenticated,
	video.ErrAllProvidersFailed, video.ErrConflict, video.ErrStore, video.ErrClosed}

// Every kind, with a cause that wraps every other kind, matches its own kind alone; the
// cause's other errors stay reachable.
func TestAnErrorHasExactlyOneKind(t *testing.T) {
	for _, kind := range allKinds {
		for _, inner := range allKinds {
			ue := &url.Error{Op: "Get", URL: "http://127.0.0.1:1/", Err: context.DeadlineExceeded}
			err := error(&video.Error{Op: "Op", Kind: kind, Err: fmt.Errorf("provider: %w: %w", inner, ue)})
			err = fmt.Errorf("the application wrapped it: %w", err)
			var matched []error
			for _, k := range allKinds {
				if errors.Is(err, k) {
					matched = append(matched, k)
				}
			}
			assert.Equal(t, []error{kind}, matched, "kind %v with a cause of kind %v", kind, inner)
			assert.Equal(t, kind, video.Code(err))
			var got *url.Error
			assert.True(t, errors.As(err, &got), "the cause's *url.Error stays reachable")
			assert.True(t, errors.Is(err, context.DeadlineExceeded), "and so do its other errors")
		}
	}
}

// ErrAllProvidersFailed keeps every provider's cause, in order, and nothing else's kind.
func TestAllProvidersFailedIsOneKind(t *testing.T) {
	ov, jt := videotest.NewProvider(ovName), videotest.NewProvider(jtName)
	ov.FailAll(fmt.Errorf("refused: %w", video.ErrUnauthenticated))
	jt.FailAll(errors.New("jitsi: 503"))
	svc, err := video.New(testConfig(), []video.Provider{ov, jt})
	require.NoError(t, err)
	defer svc.Close()
	_, err = svc.GenerateMeetingToken(context.Background(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrAllProvidersFailed)
	assert.NotErrorIs(t, err, video.ErrUnauthenticated, "a cause's kind is not the error's")
	assert.Equal(t, video.ErrAllProvidersFailed, video.Code(err))
	causes := video.ProviderErrors(err)
	require.Len(t, causes, 2)
	assert.Equal(t, ovName, causes[0].Provider)
	assert.ErrorIs(t, causes[0], video.ErrUnauthenticated, "each cause keeps its own")
	var pe *video.ProviderError
	assert.ErrorAs(t, err, &pe)
}
