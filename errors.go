package video

import (
	"errors"
	"strings"
)

// The error kinds of this package. Every error the Service returns is a *Error whose Kind is
// one of these, so callers branch with errors.Is and never on a message.
var (
	// ErrInvalidArgument reports bad input; the *Error names the field.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrInvalidConfig reports a configuration value that cannot work; the *Error names the variable.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrNotFound reports an appointment with no consultation, or an object the caller named in
	// it (a participant to admit, a recording to stop) that is not this appointment's; the
	// *Error names the field. Providers wrap it for an object they do not have.
	ErrNotFound = errors.New("not found")
	// ErrConsultationEnded reports an operation that an ended consultation refuses, such as a new token.
	ErrConsultationEnded = errors.New("consultation ended")
	// ErrForbidden reports a role that may not do what was asked, such as a patient ending a consultation.
	ErrForbidden = errors.New("role not allowed")
	// ErrDisabled is returned by every operation when VIDEO_ENABLED is false.
	ErrDisabled = errors.New("video consultations are disabled")
	// ErrUnsupported reports an operation the pinned provider cannot do, such as recording on Jitsi.
	ErrUnsupported = errors.New("not supported by the provider")
	// ErrUnavailable reports a provider that is down or did not answer in time.
	ErrUnavailable = errors.New("provider unavailable")
	// ErrUnauthenticated reports a provider that refused the configured credentials: a
	// configuration error, reported in Health distinctly from a provider that is down.
	ErrUnauthenticated = errors.New("provider refused the credentials")
	// ErrAllProvidersFailed reports that no provider could serve; the *Error wraps each
	// provider's cause as a *ProviderError.
	ErrAllProvidersFailed = errors.New("all providers failed")
	// ErrConflict reports a consultation changed by someone else between read and write. Stores
	// return it for a stale version; the Service retries and returns it only when retries run out.
	ErrConflict = errors.New("consultation changed concurrently")
	// ErrStore reports a Store that failed (unreachable, timed out, corrupt data).
	ErrStore = errors.New("consultation store failed")
	// ErrClosed is returned after Service.Close.
	ErrClosed = errors.New("service closed")
	// ErrTooEarly refuses a token before a scheduled appointment's joining opens: its start
	// less VIDEO_EARLY_JOIN. The error carries a *WindowError saying when.
	ErrTooEarly = errors.New("too early to join")
	// ErrTooLate refuses a token after a scheduled appointment's end plus VIDEO_LATE_GRACE.
	ErrTooLate = errors.New("too late to join")
	// ErrConsentRequired refuses to record while a patient who is connected or holds a token
	// has not consented (Service.RecordConsent).
	ErrConsentRequired = errors.New("patient consent required")
)

// Error is the error every Service method returns. Kind is one of the package's sentinel
// errors and the only one errors.Is matches: an error has exactly one kind. Err, the cause,
// stays reachable with errors.As (a *url.Error, a vendor's error type, a *ProviderError) and
// with errors.Is for anything but a kind (context.DeadlineExceeded, for example).
type Error struct {
	// Op is the operation, such as "GenerateMeetingToken".
	Op string
	// Kind is the sentinel that classifies the error.
	Kind error
	// Field names the argument or environment variable at fault, for ErrInvalidArgument
	// and ErrInvalidConfig.
	Field string
	// Provider is the provider involved, when one is.
	Provider ProviderName
	// Msg says what was wrong, without secrets or tokens.
	Msg string
	// Err is the underlying cause, if any.
	Err error
}

// Error returns "video: Op: [provider: ][field: ]kind[: msg][: cause]".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("video: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Provider != "" {
		b.WriteString(string(e.Provider))
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Kind != nil {
		b.WriteString(e.Kind.Error())
	}
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is reports whether target is e's Kind.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// Unwrap returns the cause, seen through a view in which no kind matches: a cause that wraps
// ErrUnauthenticated inside an ErrAllProvidersFailed error leaves that error of one kind.
func (e *Error) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return cause{e.Err}
}

// cause is an Error's cause as errors.Is and errors.As see it: every error in its chain but
// the kinds.
type cause struct{ err error }

func (c cause) Error() string { return c.err.Error() }

// Is matches what the cause's chain matches, except the kinds.
func (c cause) Is(target error) bool { return !isKind(target) && errors.Is(c.err, target) }

// As finds target's type anywhere in the cause's chain.
func (c cause) As(target any) bool { return errors.As(c.err, target) }

// isKind reports whether err is one of the package's sentinels.
func isKind(err error) bool {
	for _, k := range kinds {
		if err == k {
			return true
		}
	}
	return false
}

// kinds lists the sentinels.
var kinds = []error{ErrInvalidArgument, ErrInvalidConfig, ErrNotFound, ErrConsultationEnded, ErrForbidden,
	ErrDisabled, ErrUnsupported, ErrUnavailable, ErrUnauthenticated, ErrAllProvidersFailed, ErrConflict, ErrStore, ErrClosed,
	ErrTooEarly, ErrTooLate, ErrConsentRequired}

// Code returns the Kind of the *Error in err's chain, or nil when there is none.
func Code(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return nil
}

// ProviderError is one provider's cause inside an ErrAllProvidersFailed error.
type ProviderError struct {
	// Provider is the provider that failed.
	Provider ProviderName
	// Err is why.
	Err error
}

// Error returns "provider: cause".
func (e *ProviderError) Error() string { return string(e.Provider) + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *ProviderError) Unwrap() error { return e.Err }

// ProviderErrors returns every provider's cause wrapped in err, in the order they were tried.
func ProviderErrors(err error) []*ProviderError {
	var out []*ProviderError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		switch u := err.(type) {
		case *ProviderError:
			out = append(out, u)
			return
		case cause:
			walk(u.err)
			return
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

func invalidArg(op, field, msg string) *Error {
	return &Error{Op: op, Kind: ErrInvalidArgument, Field: field, Msg: msg}
}
