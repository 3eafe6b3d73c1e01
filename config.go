package video

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// Environment says how strict the Service is about what is missing.
type Environment string

// The environments.
const (
	// EnvProduction refuses to start without a room-name key (VIDEO_ROOM_KEY).
	EnvProduction Environment = "production"
	// EnvDevelopment starts without a room-name key: New generates a random one and warns.
	EnvDevelopment Environment = "development"
)

// The defaults of Config; the README's configuration table lists them too.
const (
	DefaultTokenTTL                  = 2 * time.Hour
	DefaultHealthTimeout             = 2 * time.Second
	DefaultHealthInterval            = 15 * time.Second
	DefaultRecoveryProbes            = 2
	DefaultRoomPrefix                = "consult-"
	DefaultOpenViduMaxParticipants   = 4
	DefaultOpenViduEmptyTimeout      = 10 * time.Minute
	DefaultOpenViduDepartureTimeout  = 5 * time.Minute
	DefaultOpenViduRecordingFilepath = "recordings/{room_name}-{time}.mp4"
	DefaultOpenViduRecordingTimeout  = 10 * time.Second
	DefaultJitsiAudience             = "jitsi"
	DefaultJitsiSubject              = "*"
	DefaultJitsiConfigPath           = "/config.js"
	DefaultJitsiBOSHPath             = "/http-bind"
	// JitsiProbeHTTP and JitsiProbeOff are the values of JITSI_HEALTH_PROBE.
	JitsiProbeHTTP = "http"
	// JitsiProbeOff turns the Jitsi HTTP probe off.
	JitsiProbeOff = "off"
	// MaxTokenTTL bounds VIDEO_TOKEN_TTL: a meeting token is a bearer credential.
	MaxTokenTTL = 24 * time.Hour
	// MinRoomKeyLength is the shortest VIDEO_ROOM_KEY accepted, in bytes.
	MinRoomKeyLength = 32
)

// Config is the library's configuration, read from the environment by LoadConfig or built
// by hand. Printing or logging a Config never shows a secret: secrets are of type Secret.
type Config struct {
	// Enabled turns the whole library on or off (VIDEO_ENABLED, default true). When false,
	// every Service operation returns ErrDisabled.
	Enabled bool `envconfig:"VIDEO_ENABLED" default:"true"`
	// Provider is the primary provider (VIDEO_PROVIDER: openvidu, the default, or jitsi);
	// the other configured one is the fallback.
	Provider ProviderName `envconfig:"VIDEO_PROVIDER" default:"openvidu"`
	// Environment is production (default) or development (VIDEO_ENV).
	Environment Environment `envconfig:"VIDEO_ENV" default:"production"`
	// RoomKey keys the HMAC that derives room names from appointment IDs (VIDEO_ROOM_KEY,
	// at least 32 bytes). Every replica must share it. Required in production.
	RoomKey Secret `envconfig:"VIDEO_ROOM_KEY"`
	// RoomPrefix starts every room name (VIDEO_ROOM_PREFIX, default "consult-"); lowercase
	// letters, digits and '-' only.
	RoomPrefix string `envconfig:"VIDEO_ROOM_PREFIX" default:"consult-"`
	// TokenTTL is how long a meeting token is valid (VIDEO_TOKEN_TTL, default 2h, at most 24h).
	TokenTTL time.Duration `envconfig:"VIDEO_TOKEN_TTL" default:"2h"`
	// Health tunes health checking and failover.
	Health HealthConfig `ignored:"true"`
	// OpenVidu configures the OpenVidu 3 provider.
	OpenVidu OpenViduConfig `ignored:"true"`
	// Jitsi configures the Jitsi provider.
	Jitsi JitsiConfig `ignored:"true"`
}

// HealthConfig tunes health checking and failover.
type HealthConfig struct {
	// Timeout bounds one health probe and one provider call on the token path
	// (VIDEO_HEALTH_TIMEOUT, default 2s).
	Timeout time.Duration `envconfig:"VIDEO_HEALTH_TIMEOUT" default:"2s"`
	// Interval is how long a health answer stays fresh; a stale one is still used while a
	// probe refreshes it (VIDEO_HEALTH_INTERVAL, default 15s).
	Interval time.Duration `envconfig:"VIDEO_HEALTH_INTERVAL" default:"15s"`
	// RecoveryProbes is how many consecutive good probes bring a provider back after it
	// was marked down (VIDEO_HEALTH_RECOVERY_PROBES, default 2).
	RecoveryProbes int `envconfig:"VIDEO_HEALTH_RECOVERY_PROBES" default:"2"`
	// Background probes every provider each Interval (with jitter) even without traffic,
	// until Service.Close (VIDEO_HEALTH_BACKGROUND, default false).
	Background bool `envconfig:"VIDEO_HEALTH_BACKGROUND" default:"false"`
}

// OpenViduConfig configures the OpenVidu 3 provider (the LiveKit API). LIVEKIT_URL,
// LIVEKIT_API_KEY and LIVEKIT_API_SECRET are read when the OpenVidu variables are unset.
type OpenViduConfig struct {
	// URL is the server (OPENVIDU_URL): ws, wss, http or https. Unset means OpenVidu is not configured.
	URL string `envconfig:"OPENVIDU_URL"`
	// APIKey is the API key (OPENVIDU_API_KEY). Required with URL.
	APIKey string `envconfig:"OPENVIDU_API_KEY"`
	// Secret is the API secret (OPENVIDU_SECRET). Required with URL.
	Secret Secret `envconfig:"OPENVIDU_SECRET"`
	// Domain is the public host clients reach when it differs from URL's (OPENVIDU_DOMAIN):
	// tokens then name wss://Domain as their server URL.
	Domain string `envconfig:"OPENVIDU_DOMAIN"`
	// MaxParticipants caps a room (OPENVIDU_MAX_PARTICIPANTS, default 4: doctor, patient and
	// two observers or interpreters); the server refuses one more.
	MaxParticipants int `envconfig:"OPENVIDU_MAX_PARTICIPANTS" default:"4"`
	// EmptyTimeout closes a room nobody joined (OPENVIDU_EMPTY_TIMEOUT, default 10m).
	EmptyTimeout time.Duration `envconfig:"OPENVIDU_EMPTY_TIMEOUT" default:"10m"`
	// DepartureTimeout closes a room after the last participant left (OPENVIDU_DEPARTURE_TIMEOUT,
	// default 5m: long enough to rejoin after a dropped connection).
	DepartureTimeout time.Duration `envconfig:"OPENVIDU_DEPARTURE_TIMEOUT" default:"5m"`
	// WaitingRoom makes patients join without publishing or subscribing until the doctor
	// admits them (OPENVIDU_WAITING_ROOM).
	WaitingRoom bool `envconfig:"OPENVIDU_WAITING_ROOM" default:"false"`
	// RecordingFilepath is where the egress writes a recording (OPENVIDU_RECORDING_FILEPATH,
	// default "recordings/{room_name}-{time}.mp4"; the egress expands the braces).
	RecordingFilepath string `envconfig:"OPENVIDU_RECORDING_FILEPATH" default:"recordings/{room_name}-{time}.mp4"`
	// RecordingTimeout bounds a start or stop of a recording (OPENVIDU_RECORDING_TIMEOUT,
	// default 10s): without an egress service the server never answers.
	RecordingTimeout time.Duration `envconfig:"OPENVIDU_RECORDING_TIMEOUT" default:"10s"`
	// JoinURL is a template for browser join links, such as
	// "https://call.example.com/?url={server_url}&token={token}" (OPENVIDU_JOIN_URL); {room},
	// {token} and {server_url} are replaced, query-escaped. Empty: tokens carry no join link
	// and clients connect with ServerURL and the token.
	JoinURL string `envconfig:"OPENVIDU_JOIN_URL"`
}

// Configured reports whether OpenVidu has a URL.
func (c OpenViduConfig) Configured() bool { return c.URL != "" }

// JitsiConfig configures the Jitsi provider.
type JitsiConfig struct {
	// Domain is the Jitsi host, such as meet.example.com (JITSI_DOMAIN). Unset together
	// with BaseURL means Jitsi is not configured.
	Domain string `envconfig:"JITSI_DOMAIN"`
	// BaseURL is the full base of join links, such as https://meet.example.com/tenant
	// (JITSI_BASE_URL); it wins over Domain.
	BaseURL string `envconfig:"JITSI_BASE_URL"`
	// AppID is the token issuer (JITSI_APP_ID). Required with AppSecret.
	AppID string `envconfig:"JITSI_APP_ID"`
	// AppSecret signs HS256 tokens (JITSI_APP_SECRET). Without it links carry no token.
	AppSecret Secret `envconfig:"JITSI_APP_SECRET"`
	// EnableRecording lets the doctor record from the client (JITSI_ENABLE_RECORDING).
	EnableRecording bool `envconfig:"JITSI_ENABLE_RECORDING" default:"false"`
	// EnableWaitingRoom sends patients through the prejoin page (JITSI_ENABLE_WAITING_ROOM).
	EnableWaitingRoom bool `envconfig:"JITSI_ENABLE_WAITING_ROOM" default:"false"`
	// Audience is the tokens' aud claim (JITSI_AUDIENCE, default "jitsi"); it must be one
	// of prosody's asap_accepted_audiences.
	Audience string `envconfig:"JITSI_AUDIENCE" default:"jitsi"`
	// Subject is the tokens' sub claim (JITSI_SUBJECT, default "*"); with domain
	// verification on, the XMPP domain or the tenant.
	Subject string `envconfig:"JITSI_SUBJECT" default:"*"`
	// JaaSKeyID selects 8x8 JaaS (JITSI_JAAS_KEY_ID): tokens are RS256 with kid
	// "<AppID>/<JaaSKeyID>", and AppID is the JaaS app ID (vpaas-magic-cookie-…).
	JaaSKeyID string `envconfig:"JITSI_JAAS_KEY_ID"`
	// JaaSPrivateKey is the JaaS RSA private key as PEM (JITSI_JAAS_PRIVATE_KEY).
	JaaSPrivateKey Secret `envconfig:"JITSI_JAAS_PRIVATE_KEY"`
	// JaaSPrivateKeyFile is a path to the JaaS RSA private key PEM (JITSI_JAAS_PRIVATE_KEY_FILE).
	JaaSPrivateKeyFile string `envconfig:"JITSI_JAAS_PRIVATE_KEY_FILE"`
	// HealthProbe is "http" (default: probe config.js and BOSH over HTTP) or "off" (health
	// is the configuration's validity, for deployments the backend cannot reach) (JITSI_HEALTH_PROBE).
	HealthProbe string `envconfig:"JITSI_HEALTH_PROBE" default:"http"`
	// HealthConfigPath is probed for a 200 (JITSI_HEALTH_CONFIG_PATH, default "/config.js").
	HealthConfigPath string `envconfig:"JITSI_HEALTH_CONFIG_PATH" default:"/config.js"`
	// HealthBOSHPath is probed for a live prosody (JITSI_HEALTH_BOSH_PATH, default "/http-bind").
	HealthBOSHPath string `envconfig:"JITSI_HEALTH_BOSH_PATH" default:"/http-bind"`
}

// Configured reports whether Jitsi has a domain, a base URL or a JaaS key.
func (c JitsiConfig) Configured() bool { return c.Domain != "" || c.BaseURL != "" || c.JaaSKeyID != "" }

// JaaS reports whether the configuration is for 8x8 JaaS rather than a self-hosted Jitsi.
func (c JitsiConfig) JaaS() bool { return c.JaaSKeyID != "" }

// DefaultConfig returns the defaults LoadConfig starts from: enabled, OpenVidu primary,
// production, no provider configured and no secret set. Fill in providers and the room key.
func DefaultConfig() Config {
	return Config{
		Enabled:     true,
		Provider:    ProviderOpenVidu,
		Environment: EnvProduction,
		RoomPrefix:  DefaultRoomPrefix,
		TokenTTL:    DefaultTokenTTL,
		Health: HealthConfig{
			Timeout:        DefaultHealthTimeout,
			Interval:       DefaultHealthInterval,
			RecoveryProbes: DefaultRecoveryProbes,
		},
		OpenVidu: OpenViduConfig{
			MaxParticipants:   DefaultOpenViduMaxParticipants,
			EmptyTimeout:      DefaultOpenViduEmptyTimeout,
			DepartureTimeout:  DefaultOpenViduDepartureTimeout,
			RecordingFilepath: DefaultOpenViduRecordingFilepath,
			RecordingTimeout:  DefaultOpenViduRecordingTimeout,
		},
		Jitsi: JitsiConfig{
			Audience:         DefaultJitsiAudience,
			Subject:          DefaultJitsiSubject,
			HealthProbe:      JitsiProbeHTTP,
			HealthConfigPath: DefaultJitsiConfigPath,
			HealthBOSHPath:   DefaultJitsiBOSHPath,
		},
	}
}

// liveKitEnv holds the LiveKit names of the OpenVidu variables.
type liveKitEnv struct {
	URL       string `envconfig:"LIVEKIT_URL"`
	APIKey    string `envconfig:"LIVEKIT_API_KEY"`
	APISecret Secret `envconfig:"LIVEKIT_API_SECRET"`
}

// LoadConfig reads the Config from the environment, applies the defaults and validates it.
// An error names the variable at fault and never shows its value.
func LoadConfig() (Config, error) {
	var cfg Config
	var lk liveKitEnv
	for _, spec := range []any{&cfg, &cfg.Health, &cfg.OpenVidu, &cfg.Jitsi, &lk} {
		if err := envconfig.Process("", spec); err != nil {
			return Config{}, configParseError(err)
		}
	}
	if cfg.OpenVidu.URL == "" {
		cfg.OpenVidu.URL = lk.URL
	}
	if cfg.OpenVidu.APIKey == "" {
		cfg.OpenVidu.APIKey = lk.APIKey
	}
	if !cfg.OpenVidu.Secret.IsSet() {
		cfg.OpenVidu.Secret = lk.APISecret
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func configParseError(err error) error {
	var pe *envconfig.ParseError
	if errors.As(err, &pe) {
		return &Error{Op: "LoadConfig", Kind: ErrInvalidConfig, Field: pe.KeyName, Msg: "not a valid " + pe.TypeName}
	}
	return &Error{Op: "LoadConfig", Kind: ErrInvalidConfig, Msg: err.Error()}
}

// Validate reports the first configuration value that cannot work, naming its variable.
func (c Config) Validate() error {
	bad := func(field, msg string) error {
		return &Error{Op: "Validate", Kind: ErrInvalidConfig, Field: field, Msg: msg}
	}
	if !c.Enabled {
		return nil
	}
	if !c.Provider.Valid() {
		return bad("VIDEO_PROVIDER", fmt.Sprintf("must be %q or %q", ProviderOpenVidu, ProviderJitsi))
	}
	if c.Environment != EnvProduction && c.Environment != EnvDevelopment {
		return bad("VIDEO_ENV", fmt.Sprintf("must be %q or %q", EnvProduction, EnvDevelopment))
	}
	if !c.RoomKey.IsSet() && c.Environment == EnvProduction {
		return bad("VIDEO_ROOM_KEY", "required in production (VIDEO_ENV=production): every replica must derive the same room names; set at least 32 random bytes")
	}
	if c.RoomKey.IsSet() && len(c.RoomKey) < MinRoomKeyLength {
		return bad("VIDEO_ROOM_KEY", fmt.Sprintf("must be at least %d bytes", MinRoomKeyLength))
	}
	if c.RoomPrefix == "" || len(c.RoomPrefix) > 32 || strings.Trim(c.RoomPrefix, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return bad("VIDEO_ROOM_PREFIX", "must be 1 to 32 characters of a-z, 0-9 and '-'")
	}
	if c.TokenTTL <= 0 || c.TokenTTL > MaxTokenTTL {
		return bad("VIDEO_TOKEN_TTL", "must be a positive duration of at most 24h")
	}
	if c.Health.Timeout <= 0 {
		return bad("VIDEO_HEALTH_TIMEOUT", "must be a positive duration")
	}
	if c.Health.Interval <= 0 {
		return bad("VIDEO_HEALTH_INTERVAL", "must be a positive duration")
	}
	if c.Health.RecoveryProbes < 1 {
		return bad("VIDEO_HEALTH_RECOVERY_PROBES", "must be at least 1")
	}
	if !c.OpenVidu.Configured() && !c.Jitsi.Configured() {
		return bad("OPENVIDU_URL", "no provider configured: set OPENVIDU_URL (with OPENVIDU_API_KEY and OPENVIDU_SECRET) or JITSI_DOMAIN")
	}
	if c.OpenVidu.Configured() {
		if err := checkURL(c.OpenVidu.URL, "ws", "wss", "http", "https"); err != "" {
			return bad("OPENVIDU_URL", err)
		}
		if c.OpenVidu.APIKey == "" {
			return bad("OPENVIDU_API_KEY", "required with OPENVIDU_URL")
		}
		if !c.OpenVidu.Secret.IsSet() {
			return bad("OPENVIDU_SECRET", "required with OPENVIDU_URL")
		}
		if c.OpenVidu.Domain != "" && !validHost(c.OpenVidu.Domain) {
			return bad("OPENVIDU_DOMAIN", "must be a host name such as video.example.com, without scheme or path")
		}
		if c.OpenVidu.MaxParticipants < 0 {
			return bad("OPENVIDU_MAX_PARTICIPANTS", "must not be negative (0: no limit)")
		}
		for field, d := range map[string]time.Duration{"OPENVIDU_EMPTY_TIMEOUT": c.OpenVidu.EmptyTimeout,
			"OPENVIDU_DEPARTURE_TIMEOUT": c.OpenVidu.DepartureTimeout, "OPENVIDU_RECORDING_TIMEOUT": c.OpenVidu.RecordingTimeout} {
			if d < 0 {
				return bad(field, "must not be negative")
			}
		}
		if t := c.OpenVidu.JoinURL; t != "" {
			u, err := url.Parse(strings.NewReplacer("{room}", "r", "{token}", "t", "{server_url}", "s").Replace(t))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.Contains(t, "{token}") {
				return bad("OPENVIDU_JOIN_URL", "must be an http or https URL template containing {token}")
			}
		}
	}
	if c.Jitsi.Configured() {
		if c.Jitsi.Domain != "" && !validHost(c.Jitsi.Domain) {
			return bad("JITSI_DOMAIN", "must be a host name such as meet.example.com, without scheme or path")
		}
		if c.Jitsi.BaseURL != "" {
			if err := checkURL(c.Jitsi.BaseURL, "http", "https"); err != "" {
				return bad("JITSI_BASE_URL", err)
			}
		}
		if c.Jitsi.AppSecret.IsSet() && c.Jitsi.AppID == "" {
			return bad("JITSI_APP_ID", "required with JITSI_APP_SECRET")
		}
		if c.Jitsi.JaaS() {
			if c.Jitsi.AppID == "" {
				return bad("JITSI_APP_ID", "required with JITSI_JAAS_KEY_ID: the JaaS app ID (vpaas-magic-cookie-…)")
			}
			if c.Jitsi.AppSecret.IsSet() {
				return bad("JITSI_APP_SECRET", "must not be set with JITSI_JAAS_KEY_ID: JaaS signs with the RSA key")
			}
			if c.Jitsi.JaaSPrivateKey.IsSet() == (c.Jitsi.JaaSPrivateKeyFile != "") {
				return bad("JITSI_JAAS_PRIVATE_KEY", "set exactly one of JITSI_JAAS_PRIVATE_KEY and JITSI_JAAS_PRIVATE_KEY_FILE with JITSI_JAAS_KEY_ID")
			}
		}
		if c.Jitsi.HealthProbe != "" && c.Jitsi.HealthProbe != JitsiProbeHTTP && c.Jitsi.HealthProbe != JitsiProbeOff {
			return bad("JITSI_HEALTH_PROBE", `must be "http" or "off"`)
		}
		for field, p := range map[string]string{"JITSI_HEALTH_CONFIG_PATH": c.Jitsi.HealthConfigPath, "JITSI_HEALTH_BOSH_PATH": c.Jitsi.HealthBOSHPath} {
			if p != "" && (!strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?# ")) {
				return bad(field, "must be a path starting with /")
			}
		}
	}
	return nil
}

// checkURL returns what is wrong with raw as a URL of one of schemes, or "".
func checkURL(raw string, schemes ...string) string {
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

// validHost reports whether h is a bare host[:port], without scheme, path or credentials.
func validHost(h string) bool {
	u, err := url.Parse("https://" + h)
	return err == nil && u.Host == h && u.Path == "" && u.User == nil && !strings.ContainsAny(h, "/?#@ ")
}

// LogValue implements slog.LogValuer: the configuration without its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("enabled", c.Enabled),
		slog.String("provider", string(c.Provider)),
		slog.String("environment", string(c.Environment)),
		slog.Bool("room_key_set", c.RoomKey.IsSet()),
		slog.Duration("token_ttl", c.TokenTTL),
		slog.Duration("health_timeout", c.Health.Timeout),
		slog.Duration("health_interval", c.Health.Interval),
		slog.Bool("openvidu_configured", c.OpenVidu.Configured()),
		slog.String("openvidu_url", c.OpenVidu.URL),
		slog.Bool("jitsi_configured", c.Jitsi.Configured()),
		slog.String("jitsi_domain", c.Jitsi.Domain),
		slog.String("jitsi_base_url", c.Jitsi.BaseURL),
	)
}
