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

// addSession inserts s in order of start. Past maxSessions the two oldest become one, from the
// first's start to the later end, so the first join is kept and memory stays bounded (their
// gap then counts as connected).
func (p *ParticipantRecord) addSession(s Session) {
	i, _ := slices.BinarySearchFunc(p.Sessions, s, func(a, b Session) int { return a.Joined.Compare(b.Joined) })
	p.Sessions = slices.Insert(p.Sessions, i, s)
	if len(p.Sessions) > maxSessions {
		first, second := p.Sessions[0], p.Sessions[1]
		merged := Session{Joined: first.Joined, Left: latest(first.Left, second.Left)}
		if first.Left.IsZero() || second.Left.IsZero() {
			merged.Left = time.Time{}
		}
		p.Sessions = append([]Session{merged}, p.Sessions[2:]...)
	}
}

// merge joins the sessions that overlap or follow within gap, each open one lasting until
// until. The sessions are in order of start.
func merge(sessions []Session, gap time.Duration, until time.Time) []Session {
	var out []Session
	for _, s := range sessions {
		end := s.Left
		if end.IsZero() {
			end = until
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
// over, whether the appointment is over; ended, when the consultation ended (zero while it has
// not), which ends every open session. A participant is connected while any session is open:
// two devices, one still in the room, are one connected participant. The time connected counts
// overlaps once and a reconnect's gap not at all; stays count reconnects within gap as one.
func attendanceOf(p ParticipantRecord, tracked, over bool, gap time.Duration, now, ended time.Time) Attendance {
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
	until := now
	if !ended.IsZero() && ended.Before(now) {
		until = ended
	}
	for _, s := range merge(p.Sessions, 0, until) {
		a.Connected += s.Left.Sub(s.Joined)
	}
	stays := merge(p.Sessions, gap, until)
	a.Stays, a.FirstJoined = len(stays), stays[0].Joined
	a.State, a.LastLeft = AttendanceAttended, stays[len(stays)-1].Left
	open := slices.ContainsFunc(p.Sessions, func(s Session) bool { return s.Left.IsZero() })
	if open && ended.IsZero() {
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
// webhooks (which the application must route to WebhookHandler: without them, everyone who held
// a token reads absent once the appointment is over); the appointment is over when it ended or
// its window's end has passed.
func (s *Service) attendance(c *Consultation, now time.Time) {
	over := !c.EndedAt.IsZero() || !c.Window.IsZero() && now.After(c.Window.End)
	c.Attendance = make([]Attendance, 0, len(c.Participants))
	for _, p := range c.Participants {
		tracked := false
		if m := s.f.member(p.Provider); m != nil {
			_, tracked = m.p.(WebhookReceiver)
		}
		c.Attendance = append(c.Attendance, attendanceOf(p, tracked, over, s.cfg.ReconnectGap, now, c.EndedAt))
	}
}
