package main

import (
	"encoding/json"
	"errors"
	"net/http"

	video "github.com/teleconsult/video"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// answer is the HTTP status and code of an error kind.
type answer struct {
	status int
	code   string
}

// statusOf maps each of the library's error kinds to HTTP. Every error has exactly one kind
// (video.Code), so the order of nothing matters.
var statusOf = map[error]answer{
	video.ErrInvalidArgument:    {http.StatusBadRequest, "invalid_argument"},
	video.ErrForbidden:          {http.StatusForbidden, "forbidden"},
	video.ErrNotFound:           {http.StatusNotFound, "not_found"},
	video.ErrConsultationEnded:  {http.StatusConflict, "consultation_ended"},
	video.ErrConflict:           {http.StatusConflict, "conflict"},
	video.ErrUnsupported:        {http.StatusNotImplemented, "unsupported"},
	video.ErrAllProvidersFailed: {http.StatusServiceUnavailable, "all_providers_failed"},
	video.ErrUnavailable:        {http.StatusServiceUnavailable, "provider_unavailable"},
	video.ErrUnauthenticated:    {http.StatusServiceUnavailable, "provider_misconfigured"},
	video.ErrInvalidConfig:      {http.StatusInternalServerError, "invalid_configuration"},
	video.ErrStore:              {http.StatusServiceUnavailable, "store_unavailable"},
	video.ErrDisabled:           {http.StatusServiceUnavailable, "disabled"},
	video.ErrClosed:             {http.StatusServiceUnavailable, "shutting_down"},
}

// writeError answers err as JSON with the status its kind calls for. The message is the
// library's, which never carries a secret or a token.
func writeError(w http.ResponseWriter, err error) {
	a, ok := statusOf[video.Code(err)]
	if !ok {
		a = answer{http.StatusInternalServerError, "internal"}
	}
	status, code := a.status, a.code
	d := errorDetail{Code: code, Message: err.Error()}
	var verr *video.Error
	if errors.As(err, &verr) {
		d.Field = verr.Field
	}
	writeJSON(w, status, errorBody{Error: d})
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
