package openvidu2fake

import (
	"encoding/json"
	"net/http"
)

// apiPrefix is RequestMappings.API, the prefix every error body's "path" carries.
const apiPrefix = "/openvidu/api"

// writeJSON writes v as the JSON body of a response with the given status, with the
// Content-Type of RestUtils.getResponseHeaders.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // every value the fake writes is marshalable; this is a bug
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeStatus answers with a bare status and no body, as the controller's
// `new ResponseEntity<>(HttpStatus.X)` does (every 404 for an unknown session, connection or
// recording, the 409 of an existing custom session, the 406/409/501 of recordings).
func writeStatus(w http.ResponseWriter, status int) { w.WriteHeader(status) }

// writeControllerError answers as SessionRestController.generateErrorResponse does: a JSON
// body with timestamp, status, error (the reason phrase), message and path. The controller
// uses it for the 400s of bad parameters and the 422s of recording properties.
func writeControllerError(w http.ResponseWriter, status int, message, path string) {
	writeJSON(w, status, map[string]any{
		"timestamp": nowMillis(),
		"status":    status,
		"error":     http.StatusText(status),
		"message":   message,
		"path":      apiPrefix + path,
	})
}

// writeFrameworkError answers as Spring Boot's error controller does for failures that never
// reach the REST controller (unknown route, wrong method, unreadable or oversized body,
// wrong Content-Type): a JSON body with timestamp, status, error and the request's path.
func writeFrameworkError(w http.ResponseWriter, r *http.Request, status int) {
	writeJSON(w, status, map[string]any{
		"timestamp": nowMillis(),
		"status":    status,
		"error":     http.StatusText(status),
		"path":      r.URL.Path,
	})
}
