package video

import (
	"net/mail"
	"net/url"
	"unicode"
	"unicode/utf8"
)

// Limits on input, so that what is stored and signed stays small and printable.
const (
	maxIDLength          = 256
	maxDisplayNameRunes  = 200
	maxDescriptionRunes  = 2000
	maxEmailLength       = 254
	maxURLLength         = 2048
	maxRecordingIDLength = 256
)

// checkText returns what is wrong with v as printable UTF-8 text, or "".
func checkText(v string) string {
	if !utf8.ValidString(v) {
		return "must be valid UTF-8"
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "must not contain control characters"
		}
	}
	return ""
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
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return invalidArg(op, field, "must not contain spaces or control characters")
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
	if msg := checkText(info.DisplayName); msg != "" {
		return invalidArg(op, "userInfo.displayName", msg)
	}
	if utf8.RuneCountInString(info.DisplayName) > maxDisplayNameRunes {
		return invalidArg(op, "userInfo.displayName", "must be at most 200 characters")
	}
	if info.Email != "" {
		a, err := mail.ParseAddress(info.Email)
		if err != nil || a.Address != info.Email || len(info.Email) > maxEmailLength {
			return invalidArg(op, "userInfo.email", "must be a plain address such as name@example.com")
		}
	}
	if info.AvatarURL != "" {
		u, err := url.Parse(info.AvatarURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(info.AvatarURL) > maxURLLength {
			return invalidArg(op, "userInfo.avatarURL", "must be an http or https URL")
		}
	}
	return nil
}

func checkIssue(op string, issue TechnicalIssue) error {
	if !issue.Category.Valid() {
		return invalidArg(op, "issue.category", `must be "audio", "video", "connection", "device" or "other"`)
	}
	if msg := checkText(issue.Description); msg != "" {
		return invalidArg(op, "issue.description", msg)
	}
	if utf8.RuneCountInString(issue.Description) > maxDescriptionRunes {
		return invalidArg(op, "issue.description", "must be at most 2000 characters")
	}
	return nil
}

func checkRecording(op string, rec Recording) error {
	if err := checkID(op, "recording.id", rec.ID); err != nil {
		return err
	}
	if len(rec.ID) > maxRecordingIDLength {
		return invalidArg(op, "recording.id", "must be at most 256 bytes")
	}
	if !rec.Status.Valid() {
		return invalidArg(op, "recording.status", `must be "active", "complete" or "failed"`)
	}
	if rec.Status == RecordingComplete && rec.Location == "" {
		return invalidArg(op, "recording.location", "must be set for a complete recording")
	}
	if msg := checkText(rec.Location); msg != "" || len(rec.Location) > maxURLLength {
		return invalidArg(op, "recording.location", "must be printable and at most 2048 bytes")
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
	if msg := checkText(rec.Error); msg != "" {
		return invalidArg(op, "recording.error", msg)
	}
	return nil
}
