package openvidu2fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxBodyBytes bounds every request body; the API's bodies are a few hundred bytes.
const maxBodyBytes = 64 << 10

// params is a request body decoded as the controller's Map<String, ?>. Numbers stay
// json.Number until a field asks for an int. A nil params is an absent optional body.
type params map[string]any

// readParams reads r's body as a JSON object, as Spring binds @RequestBody Map<String, ?>.
// required mirrors @RequestBody(required = ...). On failure it has answered and returns
// false: 413 for a body over maxBodyBytes, 415 for a body that is not declared JSON (Spring
// only reads a Map from application/json or application/*+json), 400 for a missing required
// body or one that is not a single JSON object.
func readParams(w http.ResponseWriter, r *http.Request, required bool) (params, bool) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeFrameworkError(w, r, http.StatusRequestEntityTooLarge)
		} else {
			writeFrameworkError(w, r, http.StatusBadRequest)
		}
		return nil, false
	}
	empty := len(bytes.TrimSpace(data)) == 0
	contentType := r.Header.Get("Content-Type")
	switch {
	case contentType == "" && empty:
		// No body at all: Spring passes null.
	case !isJSONMediaType(contentType):
		writeFrameworkError(w, r, http.StatusUnsupportedMediaType)
		return nil, false
	}
	if empty {
		if required {
			writeFrameworkError(w, r, http.StatusBadRequest) // "Required request body is missing"
			return nil, false
		}
		return nil, true
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		writeFrameworkError(w, r, http.StatusBadRequest)
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) { // trailing content
		writeFrameworkError(w, r, http.StatusBadRequest)
		return nil, false
	}
	switch obj := v.(type) {
	case map[string]any:
		return params(obj), true
	case nil: // the literal null binds as no body
		if required {
			writeFrameworkError(w, r, http.StatusBadRequest)
			return nil, false
		}
		return nil, true
	default: // an array, string or number cannot bind to a Map
		writeFrameworkError(w, r, http.StatusBadRequest)
		return nil, false
	}
}

// isJSONMediaType reports whether a Content-Type is application/json or application/*+json.
func isJSONMediaType(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mediaType == "application/json" ||
		(strings.HasPrefix(mediaType, "application/") && strings.HasSuffix(mediaType, "+json"))
}
