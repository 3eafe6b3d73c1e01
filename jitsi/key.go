package jitsi

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
)

// loadKey returns the JaaS RSA private key from the PEM in cfg or the file it names. Its
// errors name the variable and never show key material.
func loadKey(cfg Config) (*rsa.PrivateKey, error) {
	field, data := "JITSI_JAAS_PRIVATE_KEY", []byte(cfg.JaaSPrivateKey.Reveal())
	if cfg.JaaSPrivateKeyFile != "" {
		field = "JITSI_JAAS_PRIVATE_KEY_FILE"
		b, err := os.ReadFile(cfg.JaaSPrivateKeyFile)
		if err != nil {
			var pe *os.PathError
			msg := "cannot read the key file"
			if errors.As(err, &pe) {
				msg += ": " + pe.Err.Error()
			}
			return nil, configErr("New", field, msg)
		}
		data = b
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, configErr("New", field, "not a PEM-encoded key")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, configErr("New", field, "not an RSA private key: JaaS signs with RS256")
		}
		return rk, nil
	}
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, configErr("New", field, "not an RSA private key in PKCS#1 or PKCS#8 form: JaaS signs with RS256")
	}
	return k, nil
}
