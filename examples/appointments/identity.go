package main

import (
	"context"
	"errors"
	"net/http"
	"strings"

	video "github.com/teleconsult/video"
)

// Identity is who calls the API: the application's user and the role they claim.
type Identity struct {
	UserID string
	Role   video.Role
}

// Authenticator tells who made a request. A real backend verifies its own session or bearer
// token here. It returns errUnauthenticated when it cannot tell (401) and errUnknownRole for a
// role the API does not know (403).
type Authenticator func(r *http.Request) (Identity, error)

// Authorizer tells whether an authenticated caller takes part in an appointment in the role
// they claim. A real backend asks its appointment records: is this user this appointment's
// doctor, its patient, an observer someone invited? It returns nil to allow, anything else to
// deny (403). Every /appointments/{id} route runs it before the Service sees the request.
type Authorizer func(ctx context.Context, appointmentID string, id Identity) error

// The errors of authentication and authorization.
var (
	errUnauthenticated = errors.New("unauthenticated")
	errUnknownRole     = errors.New("unknown role")
	errNotAParticipant = errors.New("not a participant of this appointment in this role")
)

// HeaderAuth reads the caller from the X-User-ID and X-User-Role headers.
//
// FOR DEMONSTRATION ONLY: anyone can send these headers and claim to be a doctor. Replace it
// with your backend's authentication before this serves anyone.
func HeaderAuth(r *http.Request) (Identity, error) {
	id := Identity{UserID: r.Header.Get("X-User-ID"), Role: video.Role(r.Header.Get("X-User-Role"))}
	switch {
	case id.UserID == "":
		return Identity{}, errUnauthenticated
	case !id.Role.Valid():
		return Identity{}, errUnknownRole
	}
	return id, nil
}

// Roster is a demonstration Authorizer's data: for each appointment, its participants and
// their roles. A real backend reads its appointment records instead.
type Roster map[string]map[string]video.Role

// DemoRoster is the roster the example serves with -dev: appointment 42, its doctor dr-1 and
// its patient pat-1.
var DemoRoster = Roster{"42": {"dr-1": video.RoleDoctor, "pat-1": video.RolePatient}}

// Authorize is the Roster's Authorizer: a caller is allowed only as listed, in the listed role.
func (ro Roster) Authorize(_ context.Context, appointmentID string, id Identity) error {
	if role, ok := ro[appointmentID][id.UserID]; ok && role == id.Role {
		return nil
	}
	return errNotAParticipant
}

// ParseRoster reads a roster from "appointment:user=role,user=role;appointment:…".
func ParseRoster(s string) (Roster, error) {
	ro := Roster{}
	for _, appt := range strings.Split(s, ";") {
		if appt = strings.TrimSpace(appt); appt == "" {
			continue
		}
		id, people, ok := strings.Cut(appt, ":")
		if !ok || id == "" {
			return nil, errors.New("roster: want appointment:user=role,…")
		}
		ro[id] = map[string]video.Role{}
		for _, p := range strings.Split(people, ",") {
			user, role, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || user == "" || !video.Role(role).Valid() {
				return nil, errors.New("roster: want user=doctor, user=patient or user=observer")
			}
			ro[id][user] = video.Role(role)
		}
	}
	return ro, nil
}

type identityKey struct{}

// guarded wraps next so that it runs only for an identified caller who takes part in the
// appointment of the route's {id}; the caller finds their Identity in the request's context.
func guarded(auth Authenticator, authz Authorizer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := auth(r)
		switch {
		case errors.Is(err, errUnknownRole):
			writeJSON(w, http.StatusForbidden, errorBody{Error: errorDetail{Code: "forbidden", Field: "X-User-Role",
				Message: "the role must be doctor, patient or observer"}})
			return
		case err != nil:
			writeJSON(w, http.StatusUnauthorized, errorBody{Error: errorDetail{Code: "unauthenticated",
				Message: "identify the caller (this example reads X-User-ID and X-User-Role)"}})
			return
		}
		if err := authz(r.Context(), r.PathValue("id"), id); err != nil {
			writeJSON(w, http.StatusForbidden, errorBody{Error: errorDetail{Code: "forbidden",
				Message: "the caller does not take part in this appointment in this role"}})
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), identityKey{}, id)))
	})
}

func identityOf(r *http.Request) Identity {
	id, _ := r.Context().Value(identityKey{}).(Identity)
	return id
}
