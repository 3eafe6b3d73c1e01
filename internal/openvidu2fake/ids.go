package openvidu2fake

import (
	"crypto/rand"
	"math/big"
)

// The identifier prefixes of io.openvidu.server.core.IdentifierPrefixes.
const (
	sessionIDPrefix    = "ses_"
	connectionIDPrefix = "con_"
	tokenIDPrefix      = "tok_"
)

const (
	upperLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// newID returns prefix, one upper-case letter and n-1 alphanumerics, the shape of every
// identifier openvidu-server generates (RandomStringUtils.randomAlphabetic(1).toUpperCase()
// + randomAlphanumeric(n-1)): ses_ and con_ use n = 10, tok_ uses n = 16.
func newID(prefix string, n int) string {
	b := make([]byte, 0, len(prefix)+n)
	b = append(b, prefix...)
	b = append(b, upperLetters[randIndex(len(upperLetters))])
	for range n - 1 {
		b = append(b, alphanumeric[randIndex(len(alphanumeric))])
	}
	return string(b)
}

// randIndex returns a uniform random index below n.
func randIndex(n int) int {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic("openvidu2fake: crypto/rand failed: " + err.Error())
	}
	return int(i.Int64())
}
