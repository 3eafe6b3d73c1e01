// Command appointments is an appointments backend's video API over one video.Service, on
// net/http alone: tokens, start, end, status, technical issues, admitting from the waiting
// room, provider webhooks and a health endpoint, and a browser join page at /join (web/, with
// livekit-client installed by `npm ci --prefix examples/appointments/web`). Copy it into a
// backend and replace HeaderAuth with the backend's own authentication.
//
//	go run ./examples/appointments -dev          # development defaults, 127.0.0.1:8080
//	curl -X POST -H 'X-User-ID: dr-1' -H 'X-User-Role: doctor' \
//	     -d '{"display_name":"Dr. Smith"}' localhost:8080/appointments/42/video/token
//
// Configuration comes from the environment (see the README); -dev fills what is unset with
// the development defaults the quickstart uses. VIDEO_STORE=redis shares state between
// replicas. The Service's OpenTelemetry metrics are served for Prometheus at /metrics on
// -metrics-addr (127.0.0.1:9464), a listener of its own, so that it stays off the public API.
// It shuts down gracefully on SIGINT and SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/examples/internal/setup"
	"github.com/teleconsult/video/fromenv"
	"github.com/teleconsult/video/openvidu"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	metricsAddr := flag.String("metrics-addr", "127.0.0.1:9464", "address to serve /metrics on for Prometheus; empty for none")
	web := flag.String("web", "", "the join page's directory, with livekit-client installed by npm ci (default: found beside the example)")
	dev := flag.Bool("dev", false, "fill unset variables with development defaults, and serve the demo roster")
	rosterFlag := flag.String("roster", "", `who takes part in which appointment, "42:dr-1=doctor,pat-1=patient;43:…" (with -dev: the demo roster)`)
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if *dev {
		setup.ApplyDevDefaults()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Error("cannot listen", slog.String("addr", *addr), slog.String("error", err.Error()))
		os.Exit(1)
	}
	var metricsLn net.Listener
	if *metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", *metricsAddr); err != nil {
			logger.Error("cannot listen", slog.String("addr", *metricsAddr), slog.String("error", err.Error()))
			os.Exit(1)
		}
	}
	roster, err := ParseRoster(*rosterFlag)
	if err != nil {
		logger.Error("bad -roster", slog.String("error", err.Error()))
		os.Exit(2)
	}
	if *dev && len(roster) == 0 {
		roster = DemoRoster
	}
	if len(roster) == 0 {
		logger.Warn("no roster: every appointment request is denied; put your backend's appointment records behind the Authorizer")
	}
	if err := serve(ctx, ln, metricsLn, webDir(*web), logger, roster.Authorize); err != nil {
		logger.Error("appointments API stopped", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

// serve runs the API and the join page (from web) on ln, and /metrics on metricsLn unless it
// is nil, until ctx is done, then drains requests for up to 10 s.
func serve(ctx context.Context, ln, metricsLn net.Listener, web string, logger *slog.Logger, authz Authorizer) error {
	defer ln.Close()
	if metricsLn != nil {
		defer metricsLn.Close()
	}
	meters, metrics, err := newMetrics()
	if err != nil {
		return err
	}
	defer meters.Shutdown(context.Background())
	svc, err := fromenv.New(fromenv.WithLogger(logger), // every VIDEO_*, OPENVIDU_*, JITSI_* and store variable
		fromenv.WithServiceOptions(video.WithMeterProvider(meters)))
	if err != nil {
		return err
	}
	defer svc.Close()
	if metricsLn != nil {
		msrv := &http.Server{Handler: metrics, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
		go func() { _ = msrv.Serve(metricsLn) }()
		defer msrv.Close()
		logger.Info("metrics for Prometheus", slog.String("url", "http://"+metricsLn.Addr().String()+"/metrics"))
	}

	logger.Warn("X-User-ID/X-User-Role authentication and the roster are for demonstration only: replace HeaderAuth and the Authorizer before real use")
	srv := &http.Server{
		Handler:           JoinPage(NewAPI(svc, HeaderAuth, authz), web, liveKitURL(logger)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("appointments API listening", slog.String("addr", ln.Addr().String()))
	select {
	case err := <-errc:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("appointments API stopped")
	return nil
}

// liveKitURL is the LiveKit server the OpenVidu provider's tokens are for, as the environment
// configures it, or "" when OpenVidu is not configured (or speaks OpenVidu 2's API).
func liveKitURL(logger *slog.Logger) string {
	providers, err := fromenv.Providers(logger)
	if err != nil {
		return ""
	}
	for _, p := range providers {
		if ov, ok := p.(*openvidu.Provider); ok && !ov.TokensAreRemote() {
			return ov.ServerURL()
		}
	}
	return ""
}
