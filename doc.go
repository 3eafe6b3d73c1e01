// Package video gives an appointment backend video consultations: meeting tokens and join
// links for an appointment, start and end, status, technical issues and recordings, served by
// any number of providers behind one Provider contract — OpenVidu 3 (the LiveKit API, package
// openvidu) as the primary and Jitsi Meet (package jitsi) as the fallback, or providers of your
// own.
//
// An application builds one *Service and calls it; the Service owns the policy (which
// provider, which room, what each role may do, what happened) and a provider speaks one
// vendor's protocol and nothing else. Package fromenv builds the Service from the environment
// in one call; video.New wires it by hand. Tests of application code use the fakes of package
// videotest in the providers' place.
//
//	func main() {
//		svc, err := fromenv.New() // once per process: VIDEO_*, OPENVIDU_*, JITSI_*, VIDEO_STORE
//		if err != nil {
//			log.Fatal(err)
//		}
//		defer svc.Close()
//		http.HandleFunc("POST /appointments/{id}/video/token", func(w http.ResponseWriter, r *http.Request) {
//			// After your authentication: who is asking, in which role, for this appointment.
//			tok, err := svc.GenerateMeetingToken(r.Context(), r.PathValue("id"), "doctor-1", video.RoleDoctor,
//				video.UserInfo{DisplayName: "Dr. Smith"})
//			if err != nil {
//				http.Error(w, "no meeting", http.StatusServiceUnavailable)
//				return
//			}
//			json.NewEncoder(w).Encode(tok) // provider, room, token, join and server URLs, expiry
//		})
//		log.Fatal(http.ListenAndServe("127.0.0.1:8080", nil))
//	}
//
// This package speaks to two audiences. Applications use Service, Config (LoadConfig), the
// Role, MeetingToken and Consultation types, the options and the error kinds. Provider and
// store implementers use Provider and its optional capabilities (Recorder, Admitter,
// ParticipantLister, WebhookReceiver, PolicySource), TokenRequest, Grants, Token, Store and
// MemoryStore.
//
// # Affinity
//
// The first token or start for an appointment pins it to one provider and one room, with an
// atomic create-if-absent in the Store; every later token for the appointment comes from the
// pin, so a doctor and a patient always meet in the same room, on every replica that shares
// the Store. When the pinned provider is confirmed down (a failed probe or call, not a mere
// lack of answer), the next request re-pins the appointment with a compare-and-swap on its
// version, records the Migration, and calls the WithOnMigrate callback with the participants
// who hold tokens for the old room and must rejoin. Pinned appointments stay where they are
// when the primary recovers.
//
// Room names are an HMAC of the appointment ID under VIDEO_ROOM_KEY: opaque, unguessable,
// lowercase [a-z2-7] after VIDEO_ROOM_PREFIX, and the same on every replica. Without a key,
// production (VIDEO_ENV=production, the default) refuses to start; development generates a
// random key of the process and logs a warning.
//
// # Fallback
//
// Health is cached per provider and kept off the hot path. A health answer stays fresh for
// VIDEO_HEALTH_INTERVAL; a stale one is served while one probe (bounded by
// VIDEO_HEALTH_TIMEOUT, coalesced across callers, run under the Service's own context so a
// caller that gives up cancels nothing) refreshes it. Only when a provider has no answer at
// all does a request wait, and then only the one that started the probe; the others go
// straight to the fallback. Only when no provider with an answer can serve do requests join
// a first probe in flight, the fallback's first. Each provider call on the token path is
// bounded by the same timeout. A failed call marks a provider down at once; it comes back after
// VIDEO_HEALTH_RECOVERY_PROBES consecutive good probes. With VIDEO_HEALTH_BACKGROUND, every
// provider is also probed each interval, with jitter, until Close.
//
// A new appointment goes to the first provider that is up, in priority order; a provider that
// fails is marked down and the next is tried. When none can serve, the error
// wraps every provider's cause: errors.Is(err, ErrAllProvidersFailed), and ProviderErrors
// lists them.
//
// # Errors
//
// Every method returns a *Error whose Kind is one of the package's sentinels (ErrInvalidArgument
// naming the field, ErrInvalidConfig naming the variable, ErrForbidden, ErrNotFound,
// ErrConsultationEnded, ErrConflict, ErrUnsupported, ErrUnavailable, ErrUnauthenticated,
// ErrAllProvidersFailed, ErrStore, ErrDisabled, ErrClosed), so callers branch
// with errors.Is or Code and never on a message. An error has exactly one kind: errors.Is
// matches it and no other, while the cause (a vendor's error, a *url.Error, each provider's
// *ProviderError) stays reachable with errors.As. Error strings and logs never contain a secret
// or a token: secrets are of type Secret, and MeetingToken prints without its token.
//
// # Logs
//
// The Service logs with log/slog (WithLogger; silent by default), with attributes: service
// initialised (primary, fallback, the configuration without secrets), primary provider
// unhealthy, using fallback (at most once per health interval), primary provider failed,
// trying fallback (with the error), all video providers failed (every provider's error),
// consultation migrated to another provider.
//
// # Metrics and traces
//
// The Service records OpenTelemetry metrics and traces through the API alone
// (WithMeterProvider, WithTracerProvider; the global providers otherwise): tokens by provider,
// role and outcome, failovers, migrations, each provider's health as a gauge, probe, provider
// call and store call latencies, store errors and webhook events; a span per operation with a
// child span per provider and store call. Attribute values come from fixed lists; no
// appointment ID, user ID, name, email, token or secret is ever one. telemetry.go lists them.
//
// # Roles
//
// RoleDoctor moderates: only a doctor starts, ends and records a consultation. RolePatient
// takes part, and may get a token before the doctor starts (the consultation is then
// waiting). RoleObserver is hidden and subscribe-only where the provider can do that. The
// Service turns a role into Grants (Policy.Grants, with the waiting-room and client-recording
// switches of Config.Policy and of each provider's PolicySource); only the doctor's grants
// moderate. Providers translate grants into their vendor's claims and never decide by role.
package video
