package video

import (
	"slices"
	"time"
)

// Attendance comes from the providers' events (webhooks): each join and leave is kept as a
// session of the participant, ordered by when it began, so that a late or repeated event lands
// where it belongs. Reading attendance merges sessions that overlap or follow each other within
// VIDEO_RECONNECT_GAP (a dropped connection and its rejoin are one stay). A provider that sends
// no events (Jitsi) leaves its participants' attendance unknown, never absent.

// maxSessions bounds the sessions kept per participant; the oldest go first.
const maxSessions = 100

// Session is one connection of a participant to the room, as the provider reported it.
type Session struct {
	// Joined is when the connection began.
	Joined time.Time `json:"joined"`
	// Left is when it ended; zero while it lasts (or when its end was never reported).
	Left time.Time `json:"left,omitzero"`
}

// AttendanceState is what is known of a participant's attendance.
type AttendanceState string

// The attendance states.
const (
	// AttendanceConnected: in the room now.
	AttendanceConnected AttendanceState = "connected"
	// AttendanceAttended: joined, and left.
	AttendanceAttended AttendanceState = "attended"
	// AttendanceNotYet: holds a token, has not joined, and the appointment is not over.
	AttendanceNotYet AttendanceState = "not_yet"
	// AttendanceAbsent: held a token and never joined, and the appointment is over (its
	// window's end has passed, or the consultation ended): a no-show.
	AttendanceAbsent AttendanceState = "absent"
	// AttendanceUnknown: the participant's provider sends no events, so nothing is known.
	AttendanceUnknown AttendanceState = "unknown"
)

// Attendance is one participant's attendance, derived from their sessions.
type Attendance struct {
	// UserID and Role are the participant's.
	UserID string `json:"user_id"`
	// Role is the role the participant's tokens were for.
	Role Role `json:"role"`
	// State is what is known.
	State AttendanceState `json:"state"`
	// FirstJoined is when the participant first joined.
	FirstJoined time.Time `json:"first_joined,omitzero"`
	// LastLeft is when the participant last left; zero while connected.
	LastLeft time.Time `json:"last_left,omitzero"`
	// Connected is the time spent in the room, overlaps counted once.
	Connected time.Duration `json:"connected_ns"`
	// Stays counts the sessions after merging reconnects.
	Stays int `json:"stays"`
}

// recordSession keeps a join (start: when the session began) or a leave (at: when it ended)
// and reports whether the sessions changed. Repeated events change nothing.
func (p *ParticipantRecord) recordSession(kind WebhookKind, start, at time.Time) bool {
	if kind == WebhookParticipantJoined {
		if start.IsZero() {
			start = at
		}
		if slices.ContainsFunc(p.Sessions, func(s Session) bool { return s.Joined.Equal(start) }) {
			return false
		}
		p.addSession(Session{Joined: start})
		return true
	}
	left := latest(at, start)
	if start.IsZero() {
		// No session start: it ends the latest open session that began before it.
		for i := len(p.Sessions) - 1; i >= 0; i-- {
			if p.Sessions[i].Left.IsZero() && !p.Sessions[i].Joined.After(left) {
				p.Sessions[i].Left = left
				return true
			}
		}
		return false
	}
	for i := range p.Sessions {
		if p.Sessions[i].Joined.Equal(start) {
			if !left.After(p.Sessions[i].Left) {
				return false
			}
			p.Sessions[i].Left = left
			return true
		}
	}
	p.addSession(Session{Joined: start, Left: left}) // its join was not reported
	return true
}

// addSession inserts s in order of start, dropping the oldest past maxSessions.
func (p *ParticipantRecord) addSession(s Session) {
	i, _ := slices.BinarySearchFunc(p.Sessions, s, func(a, b Session) int { return a.Joined.Compare(b.Joined) })
	p.Sessions = slices.Insert(p.Sessions, i, s)
	if len(p.Sessions) > maxSessions {
		p.Sessions = p.Sessions[len(p.Sessions)-maxSessions:]
	}
}

// stays merges the sessions that overlap or follow within gap. An open session lasts until the
// next one began, or, the last, until now.
func stays(sessions []Session, gap time.Duration, now time.Time) []Session {
	var out []Session
	for i, s := range sessions {
		end := s.Left
		if end.IsZero() {
			end = now
			if i+1 < len(sessions) {
				end = sessions[i+1].Joined
			}
		}
		if n := len(out); n > 0 && !s.Joined.After(out[n-1].Left.Add(gap)) {
			out[n-1].Left = latest(out[n-1].Left, end)
			continue
		}
		out = append(out, Session{Joined: s.Joined, Left: end})
	}
	return out
}

// attendanceOf derives p's attendance at now. tracked says whether p's provider sends events;
// over, whether the appointment is over.
func attendanceOf(p ParticipantRecord, tracked, over bool, gap time.Duration, now time.Time) Attendance {
	a := Attendance{UserID: p.UserID, Role: p.Role}
	switch {
	case !tracked && len(p.Sessions) == 0:
		a.State = AttendanceUnknown
		return a
	case len(p.Sessions) == 0 && over:
		a.State = AttendanceAbsent
		return a
	case len(p.Sessions) == 0:
		a.State = AttendanceNotYet
		return a
	}
	merged := stays(p.Sessions, gap, now)
	a.Stays, a.FirstJoined = len(merged), merged[0].Joined
	for _, s := range merged {
		a.Connected += s.Left.Sub(s.Joined)
	}
	a.State, a.LastLeft = AttendanceAttended, merged[len(merged)-1].Left
	if last := p.Sessions[len(p.Sessions)-1]; last.Left.IsZero() && p.Online() {
		a.State, a.LastLeft = AttendanceConnected, time.Time{}
	}
	return a
}

// NoShows returns the users in c.Attendance who held a token and never joined an appointment
// that is over. It is empty until ConsultationStatus has filled c.Attendance.
func (c *Consultation) NoShows() []string {
	var out []string
	for _, a := range c.Attendance {
		if a.State == AttendanceAbsent {
			out = append(out, a.UserID)
		}
	}
	return out
}

// attendance fills c.Attendance at now: a participant is tracked when their provider receives
// webhooks; the appointment is over when it ended or its window's end has passed.
func (s *Service) attendance(c *Consultation, now time.Time) {
	over := !c.EndedAt.IsZero() || !c.Window.IsZero() && now.After(c.Window.End)
	c.Attendance = make([]Attendance, 0, len(c.Participants))
	for _, p := range c.Participants {
		tracked := false
		if m := s.f.member(p.Provider); m != nil {
			_, tracked = m.p.(WebhookReceiver)
		}
		c.Attendance = append(c.Attendance, attendanceOf(p, tracked, over, s.cfg.ReconnectGap, now))
	}
}
