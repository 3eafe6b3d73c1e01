package openvidu2fake

import (
	"encoding/json"
	"fmt"
	"math"
)

// The typed getters below mirror the controller's `(String) params.get(key)` casts: a missing
// key and a JSON null both read as absent (present false), and a value of another JSON type
// is an error, which the handlers answer with 400 "Type error in some parameter".

// str returns the string at key.
func (p params) str(key string) (v string, present bool, err error) {
	raw, ok := p[key]
	if !ok || raw == nil {
		return "", false, nil
	}
	v, ok = raw.(string)
	if !ok {
		return "", false, typeError(key, "a string")
	}
	return v, true, nil
}

// boolean returns the bool at key.
func (p params) boolean(key string) (v bool, present bool, err error) {
	raw, ok := p[key]
	if !ok || raw == nil {
		return false, false, nil
	}
	v, ok = raw.(bool)
	if !ok {
		return false, false, typeError(key, "a boolean")
	}
	return v, true, nil
}

// integer returns the number at key truncated to an int64, as Number.intValue() and
// longValue() do.
func (p params) integer(key string) (v int64, present bool, err error) {
	raw, ok := p[key]
	if !ok || raw == nil {
		return 0, false, nil
	}
	n, ok := raw.(json.Number)
	if !ok {
		return 0, false, typeError(key, "a number")
	}
	if i, err := n.Int64(); err == nil {
		return i, true, nil
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > math.MaxInt64 {
		return 0, false, typeError(key, "a number")
	}
	return int64(f), true, nil
}

// object returns the JSON object at key.
func (p params) object(key string) (v params, present bool, err error) {
	raw, ok := p[key]
	if !ok || raw == nil {
		return nil, false, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, false, typeError(key, "a JSON object")
	}
	return params(m), true, nil
}

// list returns the JSON array at key.
func (p params) list(key string) (v []any, present bool, err error) {
	raw, ok := p[key]
	if !ok || raw == nil {
		return nil, false, nil
	}
	v, ok = raw.([]any)
	if !ok {
		return nil, false, typeError(key, "a JSON array")
	}
	return v, true, nil
}

// typeError is the message of a parameter of the wrong JSON type.
func typeError(key, want string) error {
	return fmt.Errorf("Type error in some parameter: '%s' must be %s", key, want)
}
