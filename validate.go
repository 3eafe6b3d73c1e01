package video

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
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
	maxIssues           = 200 // per consultation: a record stays small enough to read on every write
	maxRecordings       = 100 // per consultation
)

// checkText returns what is wrong with v as text another person will read, or "": it must be
// valid UTF-8 with no control character (but, where multiline, newline and tab), and no
// character that hides, reorders or breaks what is shown (spoofing): the bidirectional
// controls, the zero-width characters and every other format character, the line and
// paragraph separators, the invisible fillers. Such names and descriptions are refused, not
// cleaned: what is shown is what was given (an emoji built with a zero-width joiner is refused
// too). Callers check the length first.
func checkText(v string, multiline bool) string {
	if !utf8.ValidString(v) {
		return "must be valid UTF-8"
	}
	for _, r := range v {
		if msg := refused(r, multiline); msg != "" {
			return msg
		}
	}
	return ""
}

// refused returns why r may not stand in text another person reads, or "" when it may.
func refused(r rune, multiline bool) string {
	switch {
	case multiline && (r == '\n' || r == '\t'):
		return ""
	case unicode.IsControl(r) && multiline:
		return "must not contain control characters other than newline and tab"
	case unicode.IsControl(r):
		return "must not contain control characters, newline and tab included"
	case spoofing(r):
		return "must not contain invisible, bidirectional-control or line-separator characters"
	}
	return ""
}

// checkBoundedText validates free text of at most most characters, the size first: at most 4
// bytes a character before anything is counted or scanned, then checkText.
func checkBoundedText(op, field, v string, most int, multiline bool) error {
	if len(v) > 4*most || utf8.RuneCountInString(v) > most {
		return invalidArg(op, field, fmt.Sprintf("must be at most %d characters", most))
	}
	if msg := checkText(v, multiline); msg != "" {
		return invalidArg(op, field, msg)
	}
	return nil
}

// spoofing reports whether r hides or reorders the text around it, or breaks its line: every
// format character (Unicode Cf: the bidirectional controls, the zero-width characters, the soft
// hyphen, invisible operators, tags), the line and paragraph separators (Zl, Zp), and the
// invisible letters that are not Cf (the Hangul fillers, the combining grapheme joiner).
func spoofing(r rune) bool {
	switch r {
	case 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0:
		return true
	}
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
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
			return invalidArg(op, field, "must not contain spaces, control, invisible or bidirectional-control characters")
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
	if err := checkBoundedText(op, "userInfo.displayName", info.DisplayName, maxDisplayNameRunes, false); err != nil {
		return err
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
	if err := checkBoundedText(op, "issue.description", issue.Description, maxDescriptionRunes, true); err != nil {
		return err
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
	if err := checkBoundedText(op, "recording.error", rec.Error, maxDescriptionRunes, true); err != nil {
		return err
	}
	return nil
}

// cleanText makes a provider's free text safe to store and show: every character checkText
// refuses in multiline text becomes a space, and the text is cut at most runes.
func cleanText(v string, most int) string {
	if len(v) > 4*most {
		v = v[:4*most] // enough bytes for most runes: nothing longer is read
	}
	v = strings.ToValidUTF8(v, "\uFFFD")
	var b strings.Builder
	n := 0
	for _, r := range v {
		if n == most {
			break
		}
		if refused(r, true) != "" {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
