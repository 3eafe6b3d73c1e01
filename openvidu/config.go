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

// Config configures the OpenVidu 3 provider (the LiveKit API): the OPENVIDU_* variables, with
// LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET read where the OpenVidu ones are unset.
// Printing or logging it never shows the secret.
type Config struct {
	// URL is the server (OPENVIDU_URL): ws, wss, http or https. Unset means OpenVidu is not configured.
	URL string `envconfig:"OPENVIDU_URL"`
	// APIKey is the API key (OPENVIDU_API_KEY). Required with URL.
	APIKey string `envconfig:"OPENVIDU_API_KEY"`
	// Secret is the API secret (OPENVIDU_SECRET). Required with URL.
	Secret video.Secret `envconfig:"OPENVIDU_SECRET"`
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
	}
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
		return bad("OPENVIDU_URL", "required: the OpenVidu (LiveKit API) server, ws, wss, http or https")
	}
	if msg := envcfg.CheckURL(c.URL, "ws", "wss", "http", "https"); msg != "" {
		return bad("OPENVIDU_URL", msg)
	}
	if c.APIKey == "" {
		return bad("OPENVIDU_API_KEY", "required with OPENVIDU_URL")
	}
	if !c.Secret.IsSet() {
		return bad("OPENVIDU_SECRET", "required with OPENVIDU_URL")
	}
	if msg := c.Secret.CheckStrength(); msg != "" {
		return bad("OPENVIDU_SECRET", msg+" (LiveKit refuses shorter API secrets)")
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

func configErr(op, field, msg string) error {
	return &video.Error{Op: "openvidu." + op, Kind: video.ErrInvalidConfig, Field: field, Msg: msg}
}
