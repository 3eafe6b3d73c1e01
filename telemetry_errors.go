package video

import (
	"context"
	"errors"
)

// errorKinds names every error kind for telemetry, in the words an attribute carries.
var errorKinds = []struct {
	kind error
	name string
}{
	{ErrInvalidArgument, "invalid_argument"},
	{ErrInvalidConfig, "invalid_config"},
	{ErrNotFound, "not_found"},
	{ErrConsultationEnded, "consultation_ended"},
	{ErrForbidden, "forbidden"},
	{ErrDisabled, "disabled"},
	{ErrUnsupported, "unsupported"},
	{ErrUnavailable, "unavailable"},
	{ErrUnauthenticated, "unauthenticated"},
	{ErrAllProvidersFailed, "all_providers_failed"},
	{ErrConflict, "conflict"},
	{ErrStore, "store"},
	{ErrClosed, "closed"},
	{ErrTooEarly, "too_early"},
	{ErrTooLate, "too_late"},
	{ErrConsentRequired, "consent_required"},
}

// refusals are the kinds that are the request's fault or the rules' answer, not a failure of
// the Service or a provider: an operator alerts on the other kinds.
var refusals = map[string]bool{
	"invalid_argument": true, "not_found": true, "consultation_ended": true, "forbidden": true,
	"disabled": true, "unsupported": true, "too_early": true, "too_late": true, "consent_required": true,
}

// errorType is err's kind as a bounded attribute value: "canceled" when the caller gave up
// (whatever kind the error has), else the package's kind (a *Error's, or the first a provider's
// error wraps), "timeout" for a deadline with no kind, and "_OTHER" (OpenTelemetry's word for
// an error of no known type) for anything else. "" for nil.
func errorType(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return "canceled"
	}
	var e *Error
	if errors.As(err, &e) && e.Kind != nil {
		err = e.Kind
	}
	for _, k := range errorKinds {
		if errors.Is(err, k.kind) {
			return k.name
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return "_OTHER"
}

// outcome is an operation's result in one word: "ok", "refused" (the request's fault or the
// rules' answer), "canceled" (the caller gave up) or "failed" (the Service's, a provider's or
// the store's failure: what an operator alerts on).
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	switch kind := errorType(err); {
	case kind == "canceled":
		return "canceled"
	case refusals[kind]:
		return "refused"
	}
	return "failed"
}
