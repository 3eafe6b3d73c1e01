package video

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/teleconsult/video/internal/envcfg"
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

// Bounds of the Service's settings.
const (
	maxTokenTTL         = 24 * time.Hour // a meeting token is a bearer credential
	maxWindowMargin     = 24 * time.Hour
	maxHealthTimeout    = time.Minute
	maxHealthInterval   = 24 * time.Hour
	maxRecoveryProbes   = 100
	maxRecordingTimeout = 10 * time.Minute
	maxHedgeRate        = 10000
)

// Config is the Service's own configuration (the VIDEO_* variables), read from the
// environment by LoadConfig or built from DefaultConfig. Each provider and store owns its own
// (openvidu.Config, jitsi.Config, redisstore.Config). Printing or logging a Config never shows
// a secret: secrets are of type Secret.
type Config struct {
	// Enabled turns the whole library on or off (VIDEO_ENABLED, default true). When false,
	// every Service operation returns ErrDisabled.
	Enabled bool `envconfig:"VIDEO_ENABLED"`
	// Provider names the provider that comes first (VIDEO_PROVIDER); the others follow in the
	// order given to New. Empty: the order given.
	Provider ProviderName `envconfig:"VIDEO_PROVIDER"`
	// Environment is production (default) or development (VIDEO_ENV).
	Environment Environment `envconfig:"VIDEO_ENV"`
	// RoomKey keys the HMAC that derives room names from appointment IDs (VIDEO_ROOM_KEY,
	// at least 32 bytes). Every replica must share it. Required in production.
	RoomKey Secret `envconfig:"VIDEO_ROOM_KEY"`
	// RoomPrefix starts every room name (VIDEO_ROOM_PREFIX, default "consult-"); lowercase
	// letters, digits and '-' only.
	RoomPrefix string `envconfig:"VIDEO_ROOM_PREFIX"`
	// TokenTTL is how long a meeting token is valid (VIDEO_TOKEN_TTL, default 2h, at most 24h).
	TokenTTL time.Duration `envconfig:"VIDEO_TOKEN_TTL"`
	// EarlyJoin is how long before a scheduled appointment's start tokens are issued
	// (VIDEO_EARLY_JOIN, default 10m, at most 24h). See Service.Schedule.
	EarlyJoin time.Duration `envconfig:"VIDEO_EARLY_JOIN"`
	// LateGrace is how long after a scheduled appointment's end tokens are still issued, and
	// the latest any token is valid (VIDEO_LATE_GRACE, default 30m, at most 24h).
	LateGrace time.Duration `envconfig:"VIDEO_LATE_GRACE"`
	// ShareEmail passes participants' email addresses to the providers (VIDEO_SHARE_EMAIL,
	// default false). Jitsi then puts them in the token and in the join link, where browser
	// history, chat logs and proxies keep them; off, no email leaves the Service.
	ShareEmail bool `envconfig:"VIDEO_SHARE_EMAIL"`
	// RecordingConsent makes StartRecording wait for every patient's consent
	// (VIDEO_RECORDING_CONSENT, default true; see Service.RecordConsent). Turn it off where
	// consent is collected elsewhere.
	RecordingConsent bool `envconfig:"VIDEO_RECORDING_CONSENT"`
	// ReconnectGap is the longest break between two of a participant's connections that still
	// counts as one session in attendance (VIDEO_RECONNECT_GAP, default 30s, at most 1h).
	ReconnectGap time.Duration `envconfig:"VIDEO_RECONNECT_GAP"`
	// RecordingTimeout bounds a start or stop of a server-side recording, on any provider
	// (VIDEO_RECORDING_TIMEOUT, default 15s, at most 10m). Every other provider call is bounded
	// by Health.Timeout.
	RecordingTimeout time.Duration `envconfig:"VIDEO_RECORDING_TIMEOUT"`
	// Health tunes health checking and failover.
	Health HealthConfig `ignored:"true"`
	// Policy shapes what each role may do, on every provider.
	Policy Policy `ignored:"true"`
}

// HealthConfig tunes health checking and failover.
type HealthConfig struct {
	// Timeout bounds one health probe and one provider call on the token path
	// (VIDEO_HEALTH_TIMEOUT, default 2s).
	Timeout time.Duration `envconfig:"VIDEO_HEALTH_TIMEOUT"`
	// Interval is how long a health answer stays fresh; a stale one is still used while a
	// probe refreshes it (VIDEO_HEALTH_INTERVAL, default 15s).
	Interval time.Duration `envconfig:"VIDEO_HEALTH_INTERVAL"`
	// RecoveryProbes is how many consecutive good probes bring a provider back after it
	// was marked down (VIDEO_HEALTH_RECOVERY_PROBES, default 2).
	RecoveryProbes int `envconfig:"VIDEO_HEALTH_RECOVERY_PROBES"`
	// Background probes every provider each Interval (with jitter) even without traffic,
	// until Service.Close (VIDEO_HEALTH_BACKGROUND, default false).
	Background bool `envconfig:"VIDEO_HEALTH_BACKGROUND"`
	// HedgeRate caps the hedges one slow provider may cause per second (VIDEO_HEDGE_RATE,
	// default 100, at most 10000; 0 turns hedging off). A room that a provider has not
	// created after its hedge delay is asked of the next provider too, and the first to
	// answer serves (see hedging.go).
	HedgeRate int `envconfig:"VIDEO_HEDGE_RATE"`
	// HedgeDelayMin and HedgeDelayMax bound the hedge delay, which is twice the 99th
	// percentile of the provider's recent calls (VIDEO_HEDGE_DELAY_MIN, default 25ms;
	// VIDEO_HEDGE_DELAY_MAX, default 200ms, and never more than half of Timeout).
	HedgeDelayMin time.Duration `envconfig:"VIDEO_HEDGE_DELAY_MIN"`
	HedgeDelayMax time.Duration `envconfig:"VIDEO_HEDGE_DELAY_MAX"`
}

// DefaultConfig returns the defaults, the one place they are written: enabled, production, the
// providers in the order given, no room key. LoadConfig starts from it.
func DefaultConfig() Config {
	return Config{
		Enabled:     true,
		Environment: EnvProduction,
		RoomPrefix:  "consult-",
		TokenTTL:    2 * time.Hour,
		EarlyJoin:   10 * time.Minute,
		LateGrace:   30 * time.Minute,

		RecordingConsent: true,
		ReconnectGap:     30 * time.Second,

		RecordingTimeout: 15 * time.Second,
		Health: HealthConfig{Timeout: 2 * time.Second, Interval: 15 * time.Second, RecoveryProbes: 2,
			HedgeRate: 100, HedgeDelayMin: 25 * time.Millisecond, HedgeDelayMax: 200 * time.Millisecond},
	}
}

// LoadConfig reads the VIDEO_* variables over DefaultConfig and validates the result. An
// error names the variable at fault and never shows its value.
func LoadConfig() (Config, error) {
	cfg := DefaultConfig()
	if bv := envcfg.Process(&cfg, &cfg.Health, &cfg.Policy); bv != nil {
		return Config{}, &Error{Op: "LoadConfig", Kind: ErrInvalidConfig, Field: bv.Var, Msg: bv.Msg}
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// Validate reports the first setting that cannot work, naming its variable.
func (c Config) Validate() error {
	bad := func(field, msg string) error {
		return &Error{Op: "Validate", Kind: ErrInvalidConfig, Field: field, Msg: msg}
	}
	if !c.Enabled {
		return nil
	}
	if c.Provider != "" && !c.Provider.Valid() {
		return bad("VIDEO_PROVIDER", "must be a provider name: lowercase letters, digits and '-', such as openvidu or jitsi")
	}
	if c.Environment != EnvProduction && c.Environment != EnvDevelopment {
		return bad("VIDEO_ENV", fmt.Sprintf("must be %q or %q", EnvProduction, EnvDevelopment))
	}
	if !c.RoomKey.IsSet() && c.Environment == EnvProduction {
		return bad("VIDEO_ROOM_KEY", "required in production (VIDEO_ENV=production): every replica must derive the same room names; set at least 32 random bytes")
	}
	if msg := c.RoomKey.CheckStrength(); msg != "" {
		return bad("VIDEO_ROOM_KEY", msg)
	}
	if c.RoomPrefix == "" || len(c.RoomPrefix) > 32 || strings.Trim(c.RoomPrefix, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return bad("VIDEO_ROOM_PREFIX", "must be 1 to 32 characters of a-z, 0-9 and '-'")
	}
	if c.TokenTTL <= 0 || c.TokenTTL > maxTokenTTL {
		return bad("VIDEO_TOKEN_TTL", "must be a positive duration of at most 24h")
	}
	if c.EarlyJoin < 0 || c.EarlyJoin > maxWindowMargin {
		return bad("VIDEO_EARLY_JOIN", "must be a duration from 0 to 24h")
	}
	if c.LateGrace < 0 || c.LateGrace > maxWindowMargin {
		return bad("VIDEO_LATE_GRACE", "must be a duration from 0 to 24h")
	}
	if c.ReconnectGap < 0 || c.ReconnectGap > time.Hour {
		return bad("VIDEO_RECONNECT_GAP", "must be a duration from 0 to 1h")
	}
	if c.RecordingTimeout <= 0 || c.RecordingTimeout > maxRecordingTimeout {
		return bad("VIDEO_RECORDING_TIMEOUT", "must be a positive duration of at most 10m")
	}
	if c.Health.Timeout <= 0 || c.Health.Timeout > maxHealthTimeout {
		return bad("VIDEO_HEALTH_TIMEOUT", "must be a positive duration of at most 1m")
	}
	if c.Health.Interval <= 0 || c.Health.Interval > maxHealthInterval {
		return bad("VIDEO_HEALTH_INTERVAL", "must be a positive duration of at most 24h")
	}
	if c.Health.RecoveryProbes < 1 || c.Health.RecoveryProbes > maxRecoveryProbes {
		return bad("VIDEO_HEALTH_RECOVERY_PROBES", "must be from 1 to 100")
	}
	if c.Health.HedgeRate < 0 || c.Health.HedgeRate > maxHedgeRate {
		return bad("VIDEO_HEDGE_RATE", "must be from 0 (no hedging) to 10000 hedges a second")
	}
	if c.Health.HedgeRate > 0 && (c.Health.HedgeDelayMin <= 0 || c.Health.HedgeDelayMin > maxHealthTimeout) {
		return bad("VIDEO_HEDGE_DELAY_MIN", "must be a positive duration of at most 1m")
	}
	if c.Health.HedgeRate > 0 && (c.Health.HedgeDelayMax < c.Health.HedgeDelayMin || c.Health.HedgeDelayMax > maxHealthTimeout) {
		return bad("VIDEO_HEDGE_DELAY_MAX", "must be a duration from VIDEO_HEDGE_DELAY_MIN to 1m")
	}
	return nil
}

// LogValue implements slog.LogValuer: the configuration without its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("enabled", c.Enabled),
		slog.String("provider", string(c.Provider)),
		slog.String("environment", string(c.Environment)),
		slog.Bool("room_key_set", c.RoomKey.IsSet()),
		slog.Duration("token_ttl", c.TokenTTL),
		slog.Duration("early_join", c.EarlyJoin),
		slog.Duration("late_grace", c.LateGrace),
		slog.Duration("health_timeout", c.Health.Timeout),
		slog.Duration("health_interval", c.Health.Interval),
		slog.Int("hedge_rate", c.Health.HedgeRate),
		slog.Bool("waiting_room", c.Policy.WaitingRoom),
		slog.Bool("client_recording", c.Policy.ClientRecording),
		slog.Bool("share_email", c.ShareEmail),
		slog.Bool("recording_consent", c.RecordingConsent),
	)
}
