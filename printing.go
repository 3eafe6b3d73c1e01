package video

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/teleconsult/video/internal/redact"
)

// String describes the Service: whether it is enabled, its providers in priority order and
// whether it is closed; never the room key or a provider's secret.
func (s *Service) String() string {
	names := make([]string, len(s.f.members))
	for i, m := range s.f.members {
		names[i] = string(m.name)
	}
	return redact.Describe("video.Service", "enabled", strconv.FormatBool(s.cfg.Enabled),
		"providers", "["+strings.Join(names, " ")+"]", "room_key", redact.Hidden, "closed", strconv.FormatBool(s.closed.Load()))
}

// Format implements fmt.Formatter: every verb prints String and never walks the fields.
func (s *Service) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue implements slog.LogValuer with String.
func (s *Service) LogValue() slog.Value { return slog.StringValue(s.String()) }

// String describes the token without the token or the join link (which may carry it).
func (t MeetingToken) String() string {
	return redact.Describe("MeetingToken", "appointment", t.AppointmentID, "user", t.UserID, "role", string(t.Role),
		"provider", string(t.Provider), "room", t.Room, "expires", t.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"))
}

// Format implements fmt.Formatter: every verb, on a token or a pointer to one, prints String.
func (t MeetingToken) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }

// LogValue implements slog.LogValuer without the token or the join link.
func (t MeetingToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("appointment_id", t.AppointmentID), slog.String("user_id", t.UserID),
		slog.String("role", string(t.Role)), slog.String("provider", string(t.Provider)),
		slog.String("room", t.Room), slog.Time("expires_at", t.ExpiresAt))
}

// String describes the provider's token without the token or the join link.
func (t Token) String() string {
	return redact.Describe("video.Token", "server_url", t.ServerURL, "expires", t.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"))
}

// Format implements fmt.Formatter with String.
func (t Token) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }

// LogValue implements slog.LogValuer without the token or the join link.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }
