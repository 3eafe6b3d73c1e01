package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	video "github.com/teleconsult/video"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Opens and Closes say when joining opens or closed (too_early, too_late).
	Opens  time.Time `json:"opens,omitzero"`
	Closes time.Time `json:"closes,omitzero"`
}

// answer is the HTTP status, the code and a plain sentence of an error kind.
type answer struct {
	status   int
	code     string
	sentence string
}

// statusOf maps each of the library's error kinds to HTTP. Every error has exactly one kind
// (video.Code), so no order is needed.
var statusOf = map[error]answer{
	video.ErrInvalidArgument:    {http.StatusBadRequest, "invalid_argument", "the request is not valid"},
	video.ErrForbidden:          {http.StatusForbidden, "forbidden", "the caller's role may not do this"},
	video.ErrNotFound:           {http.StatusNotFound, "not_found", "there is no consultation for this appointment"},
	video.ErrConsultationEnded:  {http.StatusConflict, "consultation_ended", "the consultation is over"},
	video.ErrConflict:           {http.StatusConflict, "conflict", "the consultation kept changing; try again"},
	video.ErrUnsupported:        {http.StatusNotImplemented, "unsupported", "the consultation's provider cannot do this"},
	video.ErrAllProvidersFailed: {http.StatusServiceUnavailable, "all_providers_failed", "no video provider can serve now"},
	video.ErrUnavailable:        {http.StatusServiceUnavailable, "provider_unavailable", "the video provider did not answer"},
	video.ErrUnauthenticated:    {http.StatusServiceUnavailable, "provider_misconfigured", "the video provider refused this server's credentials"},
	video.ErrInvalidConfig:      {http.StatusInternalServerError, "invalid_configuration", "this server is misconfigured"},
	video.ErrStore:              {http.StatusServiceUnavailable, "store_unavailable", "consultations cannot be read or written now"},
	video.ErrDisabled:           {http.StatusServiceUnavailable, "disabled", "video consultations are turned off"},
	video.ErrClosed:             {http.StatusServiceUnavailable, "shutting_down", "this server is shutting down"},
	video.ErrTooEarly:           {http.StatusConflict, "too_early", "joining has not opened yet"},
	video.ErrTooLate:            {http.StatusConflict, "too_late", "joining has closed"},
	video.ErrConsentRequired:    {http.StatusConflict, "consent_required", "a patient has not consented to recording"},
}

// writeError answers err as JSON with the status its kind calls for, and a message that adds to
// the code: the library's own (which never carries a secret or a token), or the kind's sentence.
func writeError(w http.ResponseWriter, err error) {
	a, ok := statusOf[video.Code(err)]
	if !ok {
		a = answer{http.StatusInternalServerError, "internal", "something went wrong"}
	}
	d := errorDetail{Code: a.code, Message: a.sentence}
	var verr *video.Error
	if errors.As(err, &verr) {
		d.Field = verr.Field
		if verr.Msg != "" {
			d.Message = verr.Msg
		}
	}
	var werr *video.WindowError
	if errors.As(err, &werr) {
		d.Message, d.Opens, d.Closes = werr.Error(), werr.Opens, werr.Closes
	}
	writeJSON(w, a.status, errorBody{Error: d})
}

// badRequest answers a request body that could not be read.
func badRequest(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusBadRequest, errorBody{Error: errorDetail{Code: "invalid_argument", Field: field, Message: msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// jsonErrors answers every error that the router or a library handler writes as plain text
// (404 for an unknown route, 405, the webhook handler's 400, 401, 404 and 500) in the API's
// JSON shape, with the plain text as its message, so that clients parse one shape.
func jsonErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := &plainErrors{ResponseWriter: w}
		next.ServeHTTP(p, r)
		if p.status == 0 {
			return
		}
		code, ok := codes[p.status]
		if !ok {
			code = "error"
		}
		msg := strings.TrimSpace(p.text.String())
		switch p.status { // the router's own texts
		case http.StatusNotFound:
			if msg == "404 page not found" {
				msg = "no such route"
			}
		case http.StatusMethodNotAllowed:
			msg = "this route does not take " + r.Method + "; see Allow"
		}
		writeJSON(w, p.status, errorBody{Error: errorDetail{Code: code, Message: msg}})
	})
}

// plainErrors holds back a plain-text error response for jsonErrors to rewrite.
type plainErrors struct {
	http.ResponseWriter
	status int // of a held-back response; 0 when none
	text   strings.Builder
}

// codes are the JSON codes of the statuses the router and library handlers answer.
var codes = map[int]string{
	http.StatusBadRequest: "invalid_argument", http.StatusUnauthorized: "unauthenticated", http.StatusNotFound: "not_found",
	http.StatusMethodNotAllowed: "method_not_allowed", http.StatusRequestEntityTooLarge: "too_large",
	http.StatusInternalServerError: "internal", http.StatusServiceUnavailable: "unavailable",
}

func (p *plainErrors) WriteHeader(status int) {
	if status >= 400 && strings.HasPrefix(p.Header().Get("Content-Type"), "text/plain") {
		p.status = status
		return
	}
	p.ResponseWriter.WriteHeader(status)
}

func (p *plainErrors) Write(b []byte) (int, error) {
	if p.status != 0 {
		if p.text.Len() < 1024 {
			p.text.Write(b)
		}
		return len(b), nil
	}
	return p.ResponseWriter.Write(b)
}
