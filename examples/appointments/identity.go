package main

import (
	"context"
	"errors"
	"net/http"

	video "github.com/teleconsult/video"
)

// Identity is who calls the API: the application's user and their role in appointments.
type Identity struct {
	UserID string
	Role   video.Role
}

// Authenticator tells who made a request. A real backend verifies its own session or bearer
// token here and looks up the user's role for the appointment.
type Authenticator func(r *http.Request) (Identity, error)

// errUnauthenticated is returned by an Authenticator that cannot identify the caller.
var errUnauthenticated = errors.New("unauthenticated")

// HeaderAuth reads the caller from the X-User-ID and X-User-Role headers.
//
// FOR DEMONSTRATION ONLY: anyone can send these headers and claim to be a doctor. Replace it
// with your backend's authentication before this serves anyone.
func HeaderAuth(r *http.Request) (Identity, error) {
	id := Identity{UserID: r.Header.Get("X-User-ID"), Role: video.Role(r.Header.Get("X-User-Role"))}
	if id.UserID == "" || !id.Role.Valid() {
		return Identity{}, errUnauthenticated
	}
	return id, nil
}

type identityKey struct{}

// authenticated wraps next so that it runs only for identified callers, who find their
// Identity in the request's context.
func authenticated(auth Authenticator, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := auth(r)
		if err != nil {
			writeJSON(w, http.StatusUnauthorized, errorBody{Error: errorDetail{Code: "unauthenticated",
				Message: "identify the caller (this example reads X-User-ID and X-User-Role)"}})
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), identityKey{}, id)))
	})
}

func identityOf(r *http.Request) Identity {
	id, _ := r.Context().Value(identityKey{}).(Identity)
	return id
}
