// Package httpget is the one HTTP GET the providers' health probes make: bounded by its
// context, the body drained and capped, and a transport failure reported without its URL while
// the *url.Error stays reachable with errors.As.
package httpget

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
)

// maxBody is as much of a body as a probe reads.
const maxBody = 64 << 10

// Status GETs rawURL with client within ctx and returns the response's status code.
func Status(ctx context.Context, client *http.Client, rawURL string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return 0, &Error{ue}
		}
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Error is a transport failure. Its message is the *url.Error's cause alone (the caller names
// the path; the URL would repeat the host), and Unwrap returns the *url.Error.
type Error struct{ url *url.Error }

// Error returns the cause's message.
func (e *Error) Error() string { return e.url.Err.Error() }

// Unwrap returns the *url.Error.
func (e *Error) Unwrap() error { return e.url }
