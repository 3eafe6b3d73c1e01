package main

import (
	_ "embed"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
)

// The join page and its script, served as they are in web/.
var (
	//go:embed web/join.html
	joinHTML []byte
	//go:embed web/join.js
	joinJS []byte
)

// livekitClient is where npm puts livekit-client's browser build (npm ci --prefix web).
const livekitClient = "node_modules/livekit-client/dist/livekit-client.umd.js"

// JoinPage serves the browser join page at GET /join, its script, its configuration and
// livekit-client from webDir's node_modules (installed by npm from web/package-lock.json:
// patients' browsers load nothing from a third party). Every other request goes to next.
// serverURL is the LiveKit server the OpenVidu provider's tokens are for ("" when it is not
// configured): the page connects to it and to nothing else, whatever a link says, and its
// Content-Security-Policy allows no other connection.
func JoinPage(next http.Handler, webDir, serverURL string) http.Handler {
	connect := "'self'"
	if u, err := url.Parse(serverURL); err == nil && u.Host != "" && (u.Scheme == "ws" || u.Scheme == "wss") {
		connect += " " + u.Scheme + "://" + u.Host
		// livekit-client also asks the server over HTTP(S) when a connection fails
		connect += " " + map[string]string{"ws": "http", "wss": "https"}[u.Scheme] + "://" + u.Host
	} else {
		serverURL = ""
	}
	mux := http.NewServeMux()
	mux.Handle("/", next)
	mux.HandleFunc("GET /join", func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w, "text/html; charset=utf-8", connect)
		_, _ = w.Write(joinHTML)
	})
	mux.HandleFunc("GET /join.js", func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w, "text/javascript; charset=utf-8", connect)
		_, _ = w.Write(joinJS)
	})
	mux.HandleFunc("GET /join/config", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]string{"server_url": serverURL})
	})
	mux.HandleFunc("GET /assets/livekit-client.umd.js", func(w http.ResponseWriter, r *http.Request) {
		path := filepath.Join(webDir, livekitClient)
		if _, err := os.Stat(path); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: errorDetail{Code: "unavailable",
				Message: "livekit-client is not installed: run npm ci --prefix examples/appointments/web"}})
			return
		}
		pageHeaders(w, "text/javascript; charset=utf-8", connect)
		http.ServeFile(w, r, path)
	})
	return mux
}

// pageHeaders sets what the page's responses carry: no referrer (a link may carry a token in
// its fragment), scripts from this origin only, connections to this origin and to connect.
func pageHeaders(w http.ResponseWriter, contentType, connect string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"connect-src "+connect+"; media-src 'self' blob: mediastream:; img-src 'self' data:; frame-ancestors 'none'")
}

// webDir finds the join page's directory: dir when given, else web/ beside the example (as
// `go test` runs it) or examples/appointments/web (as `go run` from the module root does).
func webDir(dir string) string {
	if dir != "" {
		return dir
	}
	for _, d := range []string{"web", filepath.Join("examples", "appointments", "web")} {
		if _, err := os.Stat(filepath.Join(d, "join.html")); err == nil {
			return d
		}
	}
	return "web"
}
