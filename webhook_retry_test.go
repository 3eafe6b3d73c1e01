package video_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// notYet is a provider whose events cannot be completed yet (it would read something back from
// its server, which does not answer).
type notYet struct{ *videotest.Provider }

func (notYet) ReceiveWebhook(*http.Request) (*video.WebhookEvent, error) {
	return nil, fmt.Errorf("%w: reading the recording back: connection refused", video.ErrUnavailable)
}

// An event the provider cannot complete yet gets 503, so that the sender delivers it again.
func TestAnEventNotCompletedYetIsAskedForAgain(t *testing.T) {
	svc, err := video.New(testConfig(), []video.Provider{notYet{videotest.NewProvider(ovName)}})
	require.NoError(t, err)
	defer svc.Close()
	w := httptest.NewRecorder()
	svc.WebhookHandler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(`{}`)))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
}
