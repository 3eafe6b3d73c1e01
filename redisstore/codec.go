package redisstore

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	video "github.com/teleconsult/video"
)

// sep joins the parts of a participant's, issue's, recording's or migration's field name.
// IDs the Service accepts never contain it (it is a control character).
const sep = "\x1f"

// Field names and prefixes of a consultation's hash.
const (
	fAppointment = "appointment"
	fProvider    = "provider"
	fRoom        = "room"
	fCreated     = "created"
	fStarted     = "started"
	fStartedBy   = "started_by"
	fEnded       = "ended"
	fEndedBy     = "ended_by"
	fWindowStart = "wstart"
	fWindowEnd   = "wend"
	fVersion     = "v"
	fIssueSeq    = "iseq"
	pParticipant = "p" + sep
	pIssue       = "i" + sep
	pRecording   = "r" + sep
	pMigration   = "m" + sep
	pConsent     = "k" + sep
)

// participantPrefix is the field prefix of one participant's attributes.
func participantPrefix(userID string, role video.Role) string {
	return pParticipant + userID + sep + string(role) + sep
}

func micros(t time.Time) string { return strconv.FormatInt(t.UnixMicro(), 10) }

// encode flattens c (but its version) into field/value pairs.
func encode(c *video.Consultation) ([]any, error) {
	kv := []any{fAppointment, c.AppointmentID, fProvider, string(c.Provider), fRoom, c.Room, fCreated, micros(c.CreatedAt)}
	add := func(k string, v string) { kv = append(kv, k, v) }
	if !c.StartedAt.IsZero() {
		add(fStarted, micros(c.StartedAt))
		add(fStartedBy, c.StartedBy)
	}
	if !c.EndedAt.IsZero() {
		add(fEnded, micros(c.EndedAt))
		add(fEndedBy, c.EndedBy)
	}
	if !c.Window.IsZero() {
		add(fWindowStart, micros(c.Window.Start))
		add(fWindowEnd, micros(c.Window.End))
	}
	for _, p := range c.Participants {
		pre := participantPrefix(p.UserID, p.Role)
		add(pre+"provider", string(p.Provider))
		add(pre+"room", p.Room)
		add(pre+"tokens", strconv.Itoa(p.Tokens))
		for name, t := range map[string]time.Time{"first": p.FirstIssuedAt, "last": p.LastIssuedAt, "joined": p.JoinedAt, "left": p.LeftAt} {
			if !t.IsZero() {
				add(pre+name, micros(t))
			}
		}
		if len(p.Sessions) > 0 {
			b, err := json.Marshal(p.Sessions)
			if err != nil {
				return nil, err
			}
			add(pre+"sessions", string(b))
		}
	}
	add(fIssueSeq, strconv.Itoa(len(c.Issues)))
	for i, is := range c.Issues {
		b, err := json.Marshal(is)
		if err != nil {
			return nil, err
		}
		add(pIssue+strconv.Itoa(i+1), string(b))
	}
	for _, r := range c.Recordings {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		add(pRecording+r.ID, string(b))
	}
	for i, m := range c.Migrations {
		b, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		add(pMigration+fmt.Sprintf("%06d", i+1), string(b))
	}
	for i, k := range c.Consents {
		b, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		add(pConsent+fmt.Sprintf("%06d", i+1), string(b))
	}
	return kv, nil
}

// decode rebuilds a consultation from a hash's fields and values, as HGETALL returns them
// in a script's reply.
func decode(flat []any) (*video.Consultation, error) {
	c := &video.Consultation{}
	parts := map[string]*video.ParticipantRecord{}
	var issues, migrations, consents [][2]string
	for i := 0; i+1 < len(flat); i += 2 {
		k, _ := flat[i].(string)
		v, _ := flat[i+1].(string)
		switch {
		case k == fAppointment:
			c.AppointmentID = v
		case k == fProvider:
			c.Provider = video.ProviderName(v)
		case k == fRoom:
			c.Room = v
		case k == fCreated:
			c.CreatedAt = fromMicros(v)
		case k == fStarted:
			c.StartedAt = fromMicros(v)
		case k == fStartedBy:
			c.StartedBy = v
		case k == fEnded:
			c.EndedAt = fromMicros(v)
		case k == fEndedBy:
			c.EndedBy = v
		case k == fWindowStart:
			c.Window.Start = fromMicros(v)
		case k == fWindowEnd:
			c.Window.End = fromMicros(v)
		case k == fVersion:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("redisstore: corrupt version %q", v)
			}
			c.Version = n
		case strings.HasPrefix(k, pParticipant):
			f := strings.Split(k, sep)
			if len(f) != 4 {
				return nil, fmt.Errorf("redisstore: corrupt participant field")
			}
			id := f[1] + sep + f[2]
			p := parts[id]
			if p == nil {
				p = &video.ParticipantRecord{UserID: f[1], Role: video.Role(f[2])}
				parts[id] = p
			}
			switch f[3] {
			case "provider":
				p.Provider = video.ProviderName(v)
			case "room":
				p.Room = v
			case "tokens":
				p.Tokens, _ = strconv.Atoi(v)
			case "first":
				p.FirstIssuedAt = fromMicros(v)
			case "last":
				p.LastIssuedAt = fromMicros(v)
			case "joined":
				p.JoinedAt = fromMicros(v)
			case "left":
				p.LeftAt = fromMicros(v)
			case "sessions":
				if err := json.Unmarshal([]byte(v), &p.Sessions); err != nil {
					return nil, fmt.Errorf("redisstore: corrupt sessions: %w", err)
				}
			}
		case strings.HasPrefix(k, pIssue):
			issues = append(issues, [2]string{k[len(pIssue):], v})
		case strings.HasPrefix(k, pRecording):
			var r video.Recording
			if err := json.Unmarshal([]byte(v), &r); err != nil {
				return nil, fmt.Errorf("redisstore: corrupt recording: %w", err)
			}
			c.Recordings = append(c.Recordings, r)
		case strings.HasPrefix(k, pMigration):
			migrations = append(migrations, [2]string{k[len(pMigration):], v})
		case strings.HasPrefix(k, pConsent):
			consents = append(consents, [2]string{k[len(pConsent):], v})
		}
	}
	if c.AppointmentID == "" || c.Version == 0 {
		return nil, fmt.Errorf("redisstore: incomplete consultation record")
	}
	for _, p := range parts {
		c.Participants = append(c.Participants, *p)
	}
	slices.SortFunc(c.Participants, func(a, b video.ParticipantRecord) int {
		if d := a.FirstIssuedAt.Compare(b.FirstIssuedAt); d != 0 {
			return d
		}
		return strings.Compare(a.UserID+sep+string(a.Role), b.UserID+sep+string(b.Role))
	})
	slices.SortFunc(issues, func(a, b [2]string) int { return cmpNumeric(a[0], b[0]) })
	for _, is := range issues {
		var t video.TechnicalIssue
		if err := json.Unmarshal([]byte(is[1]), &t); err != nil {
			return nil, fmt.Errorf("redisstore: corrupt issue: %w", err)
		}
		c.Issues = append(c.Issues, t)
	}
	slices.SortFunc(c.Recordings, func(a, b video.Recording) int {
		if d := a.StartedAt.Compare(b.StartedAt); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	slices.SortFunc(migrations, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	for _, m := range migrations {
		var mig video.Migration
		if err := json.Unmarshal([]byte(m[1]), &mig); err != nil {
			return nil, fmt.Errorf("redisstore: corrupt migration: %w", err)
		}
		c.Migrations = append(c.Migrations, mig)
	}
	slices.SortFunc(consents, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	for _, k := range consents {
		var answer video.Consent
		if err := json.Unmarshal([]byte(k[1]), &answer); err != nil {
			return nil, fmt.Errorf("redisstore: corrupt consent: %w", err)
		}
		c.Consents = append(c.Consents, answer)
	}
	return c, nil
}

func fromMicros(v string) time.Time {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMicro(n).UTC()
}

func cmpNumeric(a, b string) int {
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return x - y
}

func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
