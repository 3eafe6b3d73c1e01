package video

import (
	"net/mail"
	"net/url"
	"unicode"
	"unicode/utf8"
)

// Limits on input, so that what is stored and signed stays small and printable.
const (
	maxIDLength         = 256
	maxDisplayNameRunes = 200
	maxDescriptionRunes = 2000
	maxEmailLength      = 254
	maxURLLength        = 2048
)

// checkText returns what is wrong with v as text another person will read, or "": it must be
// valid UTF-8 with no control character (but, where multiline, newline and tab), and no
// character that hides or reorders what is shown: the bidirectional controls (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C) and the zero-width ones (U+200B–U+200D, U+2060,
// U+FEFF). Such names and descriptions are refused, not cleaned: what is shown is what was
// given. Callers check the length first.
func checkText(v string, multiline bool) string {
	if !utf8.ValidString(v) {
		return "must be valid UTF-8"
	}
	for _, r := range v {
		switch {
		case multiline && (r == '\n' || r == '\t'):
		case unicode.IsControl(r) && multiline:
			return "must not contain control characters other than newline and tab"
		case unicode.IsControl(r):
			return "must not contain control characters, newline and tab included"
		case spoofing(r):
			return "must not contain bidirectional-control or zero-width characters"
		}
	}
	return ""
}

// spoofing reports whether r hides or reorders the text around it.
func spoofing(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true // bidirectional embeddings, overrides, isolates and marks
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		return true // zero-width space, joiners, word joiner, byte-order mark
	}
	return false
}

// checkID validates an identifier such as an appointment or user ID.
func checkID(op, field, v string) error {
	switch {
	case v == "":
		return invalidArg(op, field, "must not be empty")
	case len(v) > maxIDLength:
		return invalidArg(op, field, "must be at most 256 bytes")
	}
	for _, r := range v {
		if unicode.IsControl(r) || unicode.IsSpace(r) || spoofing(r) {
			return invalidArg(op, field, "must not contain spaces, control, bidirectional-control or zero-width characters")
		}
	}
	if !utf8.ValidString(v) {
		return invalidArg(op, field, "must be valid UTF-8")
	}
	return nil
}

// checkParticipant validates the appointment and user IDs most operations take.
func checkParticipant(op, appointmentID, userID string) error {
	if err := checkID(op, "appointmentID", appointmentID); err != nil {
		return err
	}
	return checkID(op, "userID", userID)
}

func checkRole(op string, r Role) error {
	if !r.Valid() {
		return invalidArg(op, "role", `must be "doctor", "patient" or "observer"`)
	}
	return nil
}

func checkUserInfo(op string, info UserInfo) error {
	if len(info.DisplayName) > 4*maxDisplayNameRunes || utf8.RuneCountInString(info.DisplayName) > maxDisplayNameRunes {
		return invalidArg(op, "userInfo.displayName", "must be at most 200 characters")
	}
	if msg := checkText(info.DisplayName, false); msg != "" {
		return invalidArg(op, "userInfo.displayName", msg)
	}
	if info.Email != "" {
		if len(info.Email) > maxEmailLength {
			return invalidArg(op, "userInfo.email", "must be at most 254 bytes")
		}
		a, err := mail.ParseAddress(info.Email)
		if err != nil || a.Address != info.Email {
			return invalidArg(op, "userInfo.email", "must be a plain address such as name@example.com")
		}
	}
	if info.AvatarURL != "" {
		if len(info.AvatarURL) > maxURLLength {
			return invalidArg(op, "userInfo.avatarURL", "must be at most 2048 bytes")
		}
		u, err := url.Parse(info.AvatarURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return invalidArg(op, "userInfo.avatarURL", "must be an http or https URL")
		}
	}
	return nil
}

func checkIssue(op string, issue TechnicalIssue) error {
	if !issue.Category.Valid() {
		return invalidArg(op, "issue.category", `must be "audio", "video", "connection", "device" or "other"`)
	}
	if len(issue.Description) > 4*maxDescriptionRunes || utf8.RuneCountInString(issue.Description) > maxDescriptionRunes {
		return invalidArg(op, "issue.description", "must be at most 2000 characters")
	}
	if msg := checkText(issue.Description, true); msg != "" {
		return invalidArg(op, "issue.description", msg)
	}
	return nil
}

func checkRecording(op string, rec Recording) error {
	if err := checkID(op, "recording.id", rec.ID); err != nil {
		return err
	}
	if !rec.Status.Valid() {
		return invalidArg(op, "recording.status", `must be "active", "complete" or "failed"`)
	}
	if rec.Status == RecordingComplete && rec.Location == "" {
		return invalidArg(op, "recording.location", "must be set for a complete recording")
	}
	if len(rec.Location) > maxURLLength {
		return invalidArg(op, "recording.location", "must be at most 2048 bytes")
	}
	if msg := checkText(rec.Location, false); msg != "" {
		return invalidArg(op, "recording.location", msg)
	}
	if rec.Provider != "" && !rec.Provider.Valid() {
		return invalidArg(op, "recording.provider", "must be a provider name")
	}
	if rec.SizeBytes < 0 {
		return invalidArg(op, "recording.sizeBytes", "must not be negative")
	}
	if !rec.StartedAt.IsZero() && !rec.EndedAt.IsZero() && rec.EndedAt.Before(rec.StartedAt) {
		return invalidArg(op, "recording.endedAt", "must not be before startedAt")
	}
	if len(rec.Error) > 4*maxDescriptionRunes || utf8.RuneCountInString(rec.Error) > maxDescriptionRunes {
		return invalidArg(op, "recording.error", "must be at most 2000 characters")
	}
	if msg := checkText(rec.Error, true); msg != "" {
		return invalidArg(op, "recording.error", msg)
	}
	return nil
}
