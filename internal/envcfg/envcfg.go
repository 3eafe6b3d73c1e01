// Package envcfg reads the library's configuration structs from the environment, so that the
// root package, each provider and each store read, default and report the same way: a struct
// starts from its package's defaults, set variables override them, and a value that does not
// parse is reported by the variable's name, never by its value.
package envcfg

import (
	"errors"
	"net/url"
	"os"
	"reflect"
	"strings"

	"github.com/kelseyhightower/envconfig"
)

// BadValue is a variable whose value cannot be used. It names the variable, never the value.
type BadValue struct {
	// Var is the environment variable.
	Var string
	// Msg says what was wrong.
	Msg string
}

// Error returns "VAR: msg".
func (e *BadValue) Error() string { return e.Var + ": " + e.Msg }

// Process fills each spec, a pointer to a struct whose fields carry `envconfig:"NAME"` tags,
// from the environment. Unset variables leave their fields as they are, so a spec keeps the
// defaults it starts with; the tags carry no defaults of their own. A value that does not
// parse is returned as a *BadValue; nil when every value parsed.
func Process(specs ...any) *BadValue {
	for _, spec := range specs {
		if err := envconfig.Process("", spec); err != nil {
			var pe *envconfig.ParseError
			if errors.As(err, &pe) {
				return &BadValue{Var: pe.KeyName, Msg: "not a valid " + pe.TypeName}
			}
			return &BadValue{Var: "environment", Msg: "cannot be read"}
		}
	}
	return nil
}

// CheckURL returns what is wrong with raw as an absolute URL of one of schemes (no
// credentials, query or fragment), or "".
func CheckURL(raw string, schemes ...string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "not a valid URL"
	}
	ok := false
	for _, s := range schemes {
		ok = ok || u.Scheme == s
	}
	if !ok {
		return "scheme must be one of " + strings.Join(schemes, ", ")
	}
	if u.Host == "" {
		return "must include a host"
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "must not carry credentials, a query or a fragment"
	}
	return ""
}

// ValidHost reports whether h is a bare host[:port], without scheme, path or credentials.
func ValidHost(h string) bool {
	u, err := url.Parse("https://" + h)
	return err == nil && u.Host == h && u.Path == "" && u.User == nil && !strings.ContainsAny(h, "/?#@ ")
}

// Names returns the variables that specs (pointers to, or values of, structs with envconfig
// tags) read, in field order.
func Names(specs ...any) []string {
	var out []string
	for _, spec := range specs {
		t := reflect.TypeOf(spec)
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		for i := range t.NumField() {
			if name := t.Field(i).Tag.Get("envconfig"); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// AnySet returns the first of names that is set in the environment, or "". A provider with some
// of its variables set but not configured is a mistake to report, not a provider to leave out
// in silence.
func AnySet(names ...string) string {
	for _, n := range names {
		if _, ok := os.LookupEnv(n); ok {
			return n
		}
	}
	return ""
}
