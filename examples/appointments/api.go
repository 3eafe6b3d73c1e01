package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	video "github.com/teleconsult/video"
)

// maxBody bounds every request body.
const maxBody = 16 << 10

// NewAPI returns the appointments API over svc: the video endpoints of an appointment
// backend. auth identifies the callers of every /appointments route and authz checks that they
// take part in that appointment in the role they claim; the webhook route is authenticated by
// the provider's signature instead, and /healthz is open. Every error, the router's own 404 and
// 405 and the webhook handler's included, is JSON in one shape.
func NewAPI(svc *video.Service, auth Authenticator, authz Authorizer) http.Handler {
	a := &api{svc: svc}
	mux := http.NewServeMux()
	route := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, guarded(auth, authz, h)) }
	route("POST /appointments/{id}/video/token", a.token)
	route("POST /appointments/{id}/video/start", a.start)
	route("POST /appointments/{id}/video/end", a.end)
	route("GET /appointments/{id}/video/status", a.status)
	route("POST /appointments/{id}/video/issues", a.issue)
	route("POST /appointments/{id}/video/admit", a.admit)
	route("PUT /appointments/{id}/video/schedule", a.schedule)
	route("POST /appointments/{id}/video/consent", a.consent)
	mux.Handle("POST /video/webhooks", svc.WebhookHandler())
	mux.HandleFunc("GET /healthz", a.health)
	return jsonErrors(mux)
}

type api struct{ svc *video.Service }

// decode reads a bounded JSON body into v; an empty body leaves v as it is.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return true // no body: v keeps its zero value
	}
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("data after the JSON object")
			var mbe *http.MaxBytesError
			if errors.As(terr, &mbe) {
				err = terr
			}
		}
	}
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &mbe):
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: errorDetail{Code: "too_large", Message: "request body over 16 KiB"}})
	default:
		badRequest(w, "body", "not a valid JSON object for this endpoint: "+err.Error())
	}
	return false
}

type tokenRequest struct {
	UserID      string `json:"user_id"`
	Role        string `json:"role"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
}

// token issues the caller's meeting token. user_id and role in the body are optional; when
// given they must be the caller's own.
func (a *api) token(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	var req tokenRequest
	if !decode(w, r, &req) {
		return
	}
	if req.UserID != "" && req.UserID != id.UserID {
		writeJSON(w, http.StatusForbidden, errorBody{Error: errorDetail{Code: "forbidden", Field: "user_id",
			Message: "a caller may only request a token for themself"}})
		return
	}
	if req.Role != "" && video.Role(req.Role) != id.Role {
		writeJSON(w, http.StatusForbidden, errorBody{Error: errorDetail{Code: "forbidden", Field: "role",
			Message: "a caller may only request a token in their own role"}})
		return
	}
	tok, err := a.svc.GenerateMeetingToken(r.Context(), r.PathValue("id"), id.UserID, id.Role,
		video.UserInfo{DisplayName: req.DisplayName, Email: req.Email})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, tok)
}

func (a *api) start(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	c, err := a.svc.StartConsultation(r.Context(), r.PathValue("id"), id.UserID, id.Role)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (a *api) end(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	c, err := a.svc.EndConsultation(r.Context(), r.PathValue("id"), id.UserID, id.Role)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// statusView is what a participant who is not the doctor sees of a consultation: where it
// stands, not who else holds tokens (hidden observers included), what others reported, or
// where recordings are.
type statusView struct {
	AppointmentID string             `json:"appointment_id"`
	Status        video.Status       `json:"status"`
	Provider      video.ProviderName `json:"provider"`
	Window        video.Window       `json:"window,omitzero"`
	StartedAt     time.Time          `json:"started_at,omitzero"`
	EndedAt       time.Time          `json:"ended_at,omitzero"`
	// Attendance is the caller's own.
	Attendance *video.Attendance `json:"attendance,omitempty"`
}

// status answers the whole record to the doctor (attendance and no-shows included) and
// statusView to everyone else.
func (a *api) status(w http.ResponseWriter, r *http.Request) {
	c, err := a.svc.ConsultationStatus(r.Context(), r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	if id := identityOf(r); id.Role != video.RoleDoctor {
		v := statusView{AppointmentID: c.AppointmentID, Status: c.Status(), Provider: c.Provider, Window: c.Window,
			StartedAt: c.StartedAt, EndedAt: c.EndedAt}
		for i := range c.Attendance {
			if c.Attendance[i].UserID == id.UserID {
				v.Attendance = &c.Attendance[i]
			}
		}
		writeJSON(w, http.StatusOK, v)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type issueRequest struct {
	Category    string `json:"category"`
	Description string `json:"description"`
}

func (a *api) issue(w http.ResponseWriter, r *http.Request) {
	var req issueRequest
	if !decode(w, r, &req) {
		return
	}
	err := a.svc.ReportTechnicalIssue(r.Context(), r.PathValue("id"), identityOf(r).UserID,
		video.TechnicalIssue{Category: video.IssueCategory(req.Category), Description: req.Description})
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type admitRequest struct {
	ParticipantID string `json:"participant_id"`
}

func (a *api) admit(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	var req admitRequest
	if !decode(w, r, &req) {
		return
	}
	if err := a.svc.AdmitParticipant(r.Context(), r.PathValue("id"), id.UserID, id.Role, req.ParticipantID); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type scheduleRequest struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// schedule sets (or changes) the appointment's window; only its doctor may. Tokens are then
// issued from the start less VIDEO_EARLY_JOIN to the end plus VIDEO_LATE_GRACE. A backend
// would call Schedule from its own booking code; the endpoint shows the call.
func (a *api) schedule(w http.ResponseWriter, r *http.Request) {
	if identityOf(r).Role != video.RoleDoctor {
		writeJSON(w, http.StatusForbidden, errorBody{Error: errorDetail{Code: "forbidden", Message: "only the doctor schedules"}})
		return
	}
	var req scheduleRequest
	if !decode(w, r, &req) {
		return
	}
	c, err := a.svc.Schedule(r.Context(), r.PathValue("id"), video.Window{Start: req.Start, End: req.End})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type consentRequest struct {
	Granted *bool `json:"granted"`
}

// consent records the calling patient's answer about recording.
func (a *api) consent(w http.ResponseWriter, r *http.Request) {
	id := identityOf(r)
	if id.Role != video.RolePatient {
		writeJSON(w, http.StatusForbidden, errorBody{Error: errorDetail{Code: "forbidden", Message: "only a patient answers for themself"}})
		return
	}
	var req consentRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Granted == nil {
		badRequest(w, "granted", "required: true or false")
		return
	}
	if _, err := a.svc.RecordConsent(r.Context(), r.PathValue("id"), id.UserID, *req.Granted); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// health answers 200 while a provider can serve, 503 otherwise, with every provider's health.
func (a *api) health(w http.ResponseWriter, r *http.Request) {
	h := a.svc.Health(r.Context())
	status := http.StatusOK
	if !h.Healthy {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, h)
}
