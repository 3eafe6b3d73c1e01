package openvidu

import (
	"net/url"
	"strings"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/envcfg"
)

// Name is the provider's name: what appointments are pinned to and VIDEO_PROVIDER chooses.
const Name video.ProviderName = "openvidu"

// Config configures the OpenVidu provider: the OPENVIDU_* variables, with LIVEKIT_URL,
// LIVEKIT_API_KEY and LIVEKIT_API_SECRET read where the OpenVidu ones are unset. It speaks one
// of two APIs (see API): OpenVidu 3's, which is LiveKit's, or OpenVidu 2's REST API. Printing or
// logging it never shows the secrets.
type Config struct {
	// URL is the server (OPENVIDU_URL): ws, wss, http or https. Unset means OpenVidu is not configured.
	URL string `envconfig:"OPENVIDU_URL"`
	// API chooses the API (OPENVIDU_API): "livekit" (OpenVidu 3), "v2" (OpenVidu 2's REST API,
	// also served by OpenVidu 3 PRO in its v2-compatibility mode), or "" (auto): livekit when
	// an API key is set, v2 when only the secret is.
	API string `envconfig:"OPENVIDU_API"`
	// APIKey is the API key (OPENVIDU_API_KEY). Required by the LiveKit API; OpenVidu 2 has none.
	APIKey string `envconfig:"OPENVIDU_API_KEY"`
	// Secret is the API secret (OPENVIDU_SECRET). Required with URL. With OpenVidu 2 it is the
	// password of HTTP Basic auth as OPENVIDUAPP (on OpenVidu 3 PRO's v2 mode, LIVEKIT_API_SECRET).
	Secret video.Secret `envconfig:"OPENVIDU_SECRET"`
	// LegacyPaths makes the OpenVidu 2 API use the /api paths of OpenVidu 2.22 and earlier
	// instead of /openvidu/api (OPENVIDU_LEGACY_API).
	LegacyPaths bool `envconfig:"OPENVIDU_LEGACY_API"`
	// WebhookHeader and WebhookSecret authenticate OpenVidu 2's webhooks, which are not signed:
	// an event is accepted only when its WebhookHeader (OPENVIDU_WEBHOOK_HEADER, default
	// Authorization) equals WebhookSecret (OPENVIDU_WEBHOOK_SECRET, at least 32 characters). Set
	// the server's OPENVIDU_WEBHOOK_HEADERS to ["Authorization: <secret>"]. Without a secret every
	// OpenVidu 2 webhook is refused. LiveKit's webhooks are signed with the API secret instead.
	// An empty WebhookHeader is Authorization.
	WebhookHeader string       `envconfig:"OPENVIDU_WEBHOOK_HEADER"`
	WebhookSecret video.Secret `envconfig:"OPENVIDU_WEBHOOK_SECRET"`
	// Domain is the public host clients reach when it differs from URL's (OPENVIDU_DOMAIN):
	// tokens then name wss://Domain as their server URL.
	Domain string `envconfig:"OPENVIDU_DOMAIN"`
	// MaxParticipants caps a room (OPENVIDU_MAX_PARTICIPANTS, default 4: doctor, patient and
	// two observers or interpreters); the server refuses one more. 0: no cap.
	MaxParticipants int `envconfig:"OPENVIDU_MAX_PARTICIPANTS"`
	// EmptyTimeout closes a room nobody joined (OPENVIDU_EMPTY_TIMEOUT, default 10m).
	EmptyTimeout time.Duration `envconfig:"OPENVIDU_EMPTY_TIMEOUT"`
	// DepartureTimeout closes a room after the last participant left (OPENVIDU_DEPARTURE_TIMEOUT,
	// default 5m: long enough to rejoin after a dropped connection).
	DepartureTimeout time.Duration `envconfig:"OPENVIDU_DEPARTURE_TIMEOUT"`
	// WaitingRoom turns the Service's waiting-room policy on for OpenVidu (OPENVIDU_WAITING_ROOM):
	// patients join without publishing or subscribing until the doctor admits them.
	WaitingRoom bool `envconfig:"OPENVIDU_WAITING_ROOM"`
	// RecordingFilepath is where the egress writes a recording (OPENVIDU_RECORDING_FILEPATH,
	// default "recordings/{room_name}-{time}.mp4"; the egress expands the braces).
	RecordingFilepath string `envconfig:"OPENVIDU_RECORDING_FILEPATH"`
	// RecordingTimeout bounds a start or stop of a recording (OPENVIDU_RECORDING_TIMEOUT,
	// default 10s): without an egress service the server never answers.
	RecordingTimeout time.Duration `envconfig:"OPENVIDU_RECORDING_TIMEOUT"`
	// JoinURL is a template for browser join links, such as
	// "https://call.example.com/?url={server_url}&token={token}" (OPENVIDU_JOIN_URL); {room},
	// {token} and {server_url} are replaced, query-escaped. Empty: tokens carry no join link
	// and clients connect with ServerURL and the token.
	JoinURL string `envconfig:"OPENVIDU_JOIN_URL"`
}

// Bounds of the numeric settings, well inside what LiveKit's uint32 fields carry.
const (
	maxParticipants     = 10000
	maxRoomTimeout      = 720 * time.Hour // seconds, as a uint32
	maxRecordingTimeout = 10 * time.Minute
)

// DefaultConfig returns the defaults, the one place they are written. It configures no server.
func DefaultConfig() Config {
	return Config{
		MaxParticipants:   4,
		EmptyTimeout:      10 * time.Minute,
		DepartureTimeout:  5 * time.Minute,
		RecordingFilepath: "recordings/{room_name}-{time}.mp4",
		RecordingTimeout:  10 * time.Second,
		WebhookHeader:     "Authorization",
	}
}

// The APIs the provider speaks (Config.API).
const (
	APILiveKit = "livekit"
	APIV2      = "v2"
)

// UsesV2 reports whether the provider speaks OpenVidu 2's REST API: OPENVIDU_API=v2, or no
// OPENVIDU_API and no API key.
func (c Config) UsesV2() bool {
	switch {
	case strings.EqualFold(c.API, APIV2):
		return true
	case strings.EqualFold(c.API, APILiveKit):
		return false
	}
	return c.APIKey == ""
}

// liveKitEnv holds the LiveKit names of three variables.
type liveKitEnv struct {
	URL       string       `envconfig:"LIVEKIT_URL"`
	APIKey    string       `envconfig:"LIVEKIT_API_KEY"`
	APISecret video.Secret `envconfig:"LIVEKIT_API_SECRET"`
}

// LoadConfig reads the OPENVIDU_* (and LIVEKIT_*) variables over DefaultConfig. With none of
// them set, the unconfigured result is not an error: Configured says whether to construct the
// provider. With some set but no URL, it is an error naming OPENVIDU_URL. A
// configured one is validated; an error names the variable, never its value.
func LoadConfig() (Config, error) {
	cfg := DefaultConfig()
	var lk liveKitEnv
	if bv := envcfg.Process(&cfg, &lk); bv != nil {
		return Config{}, configErr("LoadConfig", bv.Var, bv.Msg)
	}
	if cfg.URL == "" {
		cfg.URL = lk.URL
	}
	if cfg.APIKey == "" {
		cfg.APIKey = lk.APIKey
	}
	if !cfg.Secret.IsSet() {
		cfg.Secret = lk.APISecret
	}
	if !cfg.Configured() {
		if name := envcfg.AnySet(Variables()...); name != "" {
			return Config{}, configErr("LoadConfig", "OPENVIDU_URL", "required: "+name+" is set, so OpenVidu is meant to be configured")
		}
		return cfg, nil
	}
	return cfg, cfg.Validate()
}

// Variables returns the environment variables LoadConfig reads.
func Variables() []string { return envcfg.Names(Config{}, liveKitEnv{}) }

// Configured reports whether the configuration names a server (OPENVIDU_URL or LIVEKIT_URL).
func (c Config) Configured() bool { return c.URL != "" }

// Validate reports the first value that cannot work, naming its variable; an unconfigured
// Config (no URL) is an error too.
func (c Config) Validate() error {
	bad := func(field, msg string) error { return configErr("Validate", field, msg) }
	if !c.Configured() {
		return bad("OPENVIDU_URL", "required: the OpenVidu server, ws, wss, http or https")
	}
	if msg := envcfg.CheckURL(c.URL, "ws", "wss", "http", "https"); msg != "" {
		return bad("OPENVIDU_URL", msg)
	}
	if c.API != "" && !strings.EqualFold(c.API, APILiveKit) && !strings.EqualFold(c.API, APIV2) {
		return bad("OPENVIDU_API", "must be livekit (OpenVidu 3), v2 (OpenVidu 2's REST API) or empty (livekit with an API key, v2 without)")
	}
	if strings.EqualFold(c.API, APILiveKit) && c.APIKey == "" {
		return bad("OPENVIDU_API_KEY", "required by the LiveKit API (OPENVIDU_API=livekit); for OpenVidu 2's REST API set OPENVIDU_API=v2")
	}
	if !c.Secret.IsSet() {
		return bad("OPENVIDU_SECRET", "required with OPENVIDU_URL")
	}
	if c.UsesV2() {
		if !v2Secret(c.Secret.Reveal()) {
			return bad("OPENVIDU_SECRET", "must be printable ASCII without spaces, as OpenVidu 2 requires")
		}
	} else if msg := c.Secret.CheckStrength(); msg != "" {
		why := " (LiveKit refuses shorter API secrets)"
		if c.API == "" {
			why = " (the LiveKit API's rule: it was chosen because an API key is set, OPENVIDU_API_KEY or LIVEKIT_API_KEY; for OpenVidu 2's REST API set OPENVIDU_API=v2)"
		}
		return bad("OPENVIDU_SECRET", msg+why)
	}
	if c.WebhookSecret.IsSet() {
		if msg := c.WebhookSecret.CheckStrength(); msg != "" {
			return bad("OPENVIDU_WEBHOOK_SECRET", msg)
		}
	}
	if strings.ContainsAny(c.WebhookHeader, " :\t\r\n") {
		return bad("OPENVIDU_WEBHOOK_HEADER", "must be an HTTP header name, such as Authorization")
	}
	if c.Domain != "" && !envcfg.ValidHost(c.Domain) {
		return bad("OPENVIDU_DOMAIN", "must be a host name such as video.example.com, without scheme or path")
	}
	if c.MaxParticipants < 0 || c.MaxParticipants > maxParticipants {
		return bad("OPENVIDU_MAX_PARTICIPANTS", "must be from 0 (no limit) to 10000")
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"OPENVIDU_EMPTY_TIMEOUT", c.EmptyTimeout}, {"OPENVIDU_DEPARTURE_TIMEOUT", c.DepartureTimeout}} {
		if d.v < 0 || d.v > maxRoomTimeout {
			return bad(d.field, "must be a duration from 0 to 720h")
		}
	}
	if c.RecordingTimeout <= 0 || c.RecordingTimeout > maxRecordingTimeout {
		return bad("OPENVIDU_RECORDING_TIMEOUT", "must be a positive duration of at most 10m")
	}
	if c.RecordingFilepath == "" {
		return bad("OPENVIDU_RECORDING_FILEPATH", "must not be empty")
	}
	if t := c.JoinURL; t != "" {
		u, err := url.Parse(strings.NewReplacer("{room}", "r", "{token}", "t", "{server_url}", "s").Replace(t))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.Contains(t, "{token}") {
			return bad("OPENVIDU_JOIN_URL", "must be an http or https URL template containing {token}")
		}
	}
	return nil
}

// v2Secret reports whether s can be OpenVidu 2's secret: printable ASCII without spaces.
func v2Secret(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return s != ""
}

func configErr(op, field, msg string) error {
	return &video.Error{Op: "openvidu." + op, Kind: video.ErrInvalidConfig, Field: field, Msg: msg}
}
