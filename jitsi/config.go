package jitsi

import (
	"strings"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/envcfg"
)

// Name is the provider's name: what appointments are pinned to and VIDEO_PROVIDER chooses.
const Name video.ProviderName = "jitsi"

// The values of JITSI_HEALTH_PROBE.
const (
	// ProbeHTTP probes config.js and BOSH over HTTP (the default).
	ProbeHTTP = "http"
	// ProbeOff probes nothing: for deployments the backend cannot reach, such as JaaS.
	ProbeOff = "off"
)

// Config configures the Jitsi provider: the JITSI_* variables. A self-hosted Jitsi and 8x8
// JaaS are two configurations of it (JITSI_JAAS_KEY_ID selects JaaS). Printing or logging it
// never shows a secret or the JaaS key.
type Config struct {
	// Domain is the Jitsi host, such as meet.example.com (JITSI_DOMAIN). Unset together
	// with BaseURL and JaaSKeyID means Jitsi is not configured.
	Domain string `envconfig:"JITSI_DOMAIN"`
	// BaseURL is the full base of join links, such as https://meet.example.com/tenant
	// (JITSI_BASE_URL); it wins over Domain.
	BaseURL string `envconfig:"JITSI_BASE_URL"`
	// AppID is the token issuer (JITSI_APP_ID). Required with AppSecret.
	AppID string `envconfig:"JITSI_APP_ID"`
	// AppSecret signs HS256 tokens (JITSI_APP_SECRET). Without it links carry no token.
	AppSecret video.Secret `envconfig:"JITSI_APP_SECRET"`
	// EnableRecording turns the Service's client-recording policy on for Jitsi
	// (JITSI_ENABLE_RECORDING): the doctor may record from the Jitsi client.
	EnableRecording bool `envconfig:"JITSI_ENABLE_RECORDING"`
	// EnableWaitingRoom turns the Service's waiting-room policy on for Jitsi
	// (JITSI_ENABLE_WAITING_ROOM): patients go through the prejoin page.
	EnableWaitingRoom bool `envconfig:"JITSI_ENABLE_WAITING_ROOM"`
	// Audience is the tokens' aud claim (JITSI_AUDIENCE, default "jitsi"); it must be one
	// of prosody's asap_accepted_audiences.
	Audience string `envconfig:"JITSI_AUDIENCE"`
	// Subject is the tokens' sub claim (JITSI_SUBJECT, default "*"); with domain
	// verification on, the XMPP domain or the tenant.
	Subject string `envconfig:"JITSI_SUBJECT"`
	// JaaSKeyID selects 8x8 JaaS (JITSI_JAAS_KEY_ID): tokens are RS256 with kid
	// "<AppID>/<JaaSKeyID>", and AppID is the JaaS app ID (vpaas-magic-cookie-…).
	JaaSKeyID string `envconfig:"JITSI_JAAS_KEY_ID"`
	// JaaSPrivateKey is the JaaS RSA private key as PEM (JITSI_JAAS_PRIVATE_KEY).
	JaaSPrivateKey video.Secret `envconfig:"JITSI_JAAS_PRIVATE_KEY"`
	// JaaSPrivateKeyFile is a path to the JaaS RSA private key PEM (JITSI_JAAS_PRIVATE_KEY_FILE).
	JaaSPrivateKeyFile string `envconfig:"JITSI_JAAS_PRIVATE_KEY_FILE"`
	// HealthProbe is ProbeHTTP (default) or ProbeOff (JITSI_HEALTH_PROBE).
	HealthProbe string `envconfig:"JITSI_HEALTH_PROBE"`
	// HealthConfigPath is probed for a 200 (JITSI_HEALTH_CONFIG_PATH, default "/config.js").
	HealthConfigPath string `envconfig:"JITSI_HEALTH_CONFIG_PATH"`
	// HealthBOSHPath is probed for a live prosody (JITSI_HEALTH_BOSH_PATH, default "/http-bind").
	HealthBOSHPath string `envconfig:"JITSI_HEALTH_BOSH_PATH"`
}

// DefaultConfig returns the defaults, the one place they are written. It configures no host.
func DefaultConfig() Config {
	return Config{Audience: "jitsi", Subject: "*", HealthProbe: ProbeHTTP, HealthConfigPath: "/config.js", HealthBOSHPath: "/http-bind"}
}

// LoadConfig reads the JITSI_* variables over DefaultConfig. With none of them set, the
// unconfigured result is not an error: Configured says whether to construct the provider. With
// some set but no domain, base URL or JaaS key, it is an error naming JITSI_DOMAIN. A configured one is validated; an
// error names the variable, never its value.
func LoadConfig() (Config, error) {
	cfg := DefaultConfig()
	if bv := envcfg.Process(&cfg); bv != nil {
		return Config{}, configErr("LoadConfig", bv.Var, bv.Msg)
	}
	if !cfg.Configured() {
		if name := envcfg.AnySet(Variables()...); name != "" {
			return Config{}, configErr("LoadConfig", "JITSI_DOMAIN", "required: "+name+" is set, so Jitsi is meant to be configured")
		}
		return cfg, nil
	}
	return cfg, cfg.Validate()
}

// Variables returns the environment variables LoadConfig reads.
func Variables() []string { return envcfg.Names(Config{}) }

// Configured reports whether the configuration names a Jitsi: a domain, a base URL or a JaaS key.
func (c Config) Configured() bool { return c.Domain != "" || c.BaseURL != "" || c.JaaSKeyID != "" }

// JaaS reports whether the configuration is for 8x8 JaaS rather than a self-hosted Jitsi.
func (c Config) JaaS() bool { return c.JaaSKeyID != "" }

// Validate reports the first value that cannot work, naming its variable; an unconfigured
// Config is an error too.
func (c Config) Validate() error {
	bad := func(field, msg string) error { return configErr("Validate", field, msg) }
	if !c.Configured() {
		return bad("JITSI_DOMAIN", "required: the Jitsi host (or JITSI_BASE_URL, or JITSI_JAAS_KEY_ID for JaaS)")
	}
	if c.Domain != "" && !envcfg.ValidHost(c.Domain) {
		return bad("JITSI_DOMAIN", "must be a host name such as meet.example.com, without scheme or path")
	}
	if c.BaseURL != "" {
		if msg := envcfg.CheckURL(c.BaseURL, "http", "https"); msg != "" {
			return bad("JITSI_BASE_URL", msg)
		}
	}
	if c.AppSecret.IsSet() && c.AppID == "" {
		return bad("JITSI_APP_ID", "required with JITSI_APP_SECRET")
	}
	if msg := c.AppSecret.CheckStrength(); msg != "" {
		return bad("JITSI_APP_SECRET", msg+" (an HS256 key)")
	}
	if c.JaaS() {
		if c.AppID == "" {
			return bad("JITSI_APP_ID", "required with JITSI_JAAS_KEY_ID: the JaaS app ID (vpaas-magic-cookie-…)")
		}
		if c.AppSecret.IsSet() {
			return bad("JITSI_APP_SECRET", "must not be set with JITSI_JAAS_KEY_ID: JaaS signs with the RSA key")
		}
		if c.JaaSPrivateKey.IsSet() == (c.JaaSPrivateKeyFile != "") {
			return bad("JITSI_JAAS_PRIVATE_KEY", "set exactly one of JITSI_JAAS_PRIVATE_KEY and JITSI_JAAS_PRIVATE_KEY_FILE with JITSI_JAAS_KEY_ID")
		}
	}
	if c.Audience == "" {
		return bad("JITSI_AUDIENCE", "must not be empty")
	}
	if c.Subject == "" {
		return bad("JITSI_SUBJECT", "must not be empty")
	}
	if c.HealthProbe != ProbeHTTP && c.HealthProbe != ProbeOff {
		return bad("JITSI_HEALTH_PROBE", `must be "http" or "off"`)
	}
	for _, p := range []struct{ field, v string }{{"JITSI_HEALTH_CONFIG_PATH", c.HealthConfigPath}, {"JITSI_HEALTH_BOSH_PATH", c.HealthBOSHPath}} {
		if !strings.HasPrefix(p.v, "/") || strings.ContainsAny(p.v, "?# ") {
			return bad(p.field, "must be a path starting with /")
		}
	}
	return nil
}

func configErr(op, field, msg string) error {
	return &video.Error{Op: "jitsi." + op, Kind: video.ErrInvalidConfig, Field: field, Msg: msg}
}
