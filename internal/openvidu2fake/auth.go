package openvidu2fake

import (
	"crypto/subtle"
	"net/http"
)

// basicAuthUser is the only user OpenVidu 2 accepts; the password is the deployment's secret.
const basicAuthUser = "OPENVIDUAPP"

// authorized reports whether r carries Basic credentials for OPENVIDUAPP and the secret. Like
// Spring Security's filter, the scheme name is matched case-insensitively; user and password
// are compared in constant time.
func (s *Server) authorized(r *http.Request) bool {
	user, password, ok := r.BasicAuth()
	if !ok {
		return false
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(basicAuthUser))
	passwordOK := subtle.ConstantTimeCompare([]byte(password), []byte(s.secret))
	return userOK&passwordOK == 1
}
