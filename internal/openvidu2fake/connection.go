package openvidu2fake

// Connection statuses.
const (
	statusPending = "pending" // created, its token not used yet
	statusActive  = "active"  // a participant joined with its token
)

// connection is one Connection of a session: a pending token until a participant joins with
// it (Server.Activate), then an active participant. IPCAM connections are active at once.
type connection struct {
	id        string
	sessionID string
	typ       string // WEBRTC or IPCAM
	status    string
	createdAt int64
	activeAt  int64  // 0 while pending
	token     string // "" (null) for IPCAM
	props     connectionProps
	platform  string // set on activation
	streamID  string // IPCAM: its one published stream
}

// json is the connection as the API writes it: Token.toJsonAsParticipant while pending,
// Participant.toJson (KurentoParticipant's, with publishers and subscribers) once active.
// Both carry the deprecated "connectionId" beside "id", which the Node client reads.
func (c *connection) json() map[string]any {
	j := map[string]any{
		"id":           c.id,
		"object":       "connection",
		"status":       c.status,
		"connectionId": c.id,
		"sessionId":    c.sessionID,
		"createdAt":    c.createdAt,
	}
	for k, v := range c.props.json() {
		j[k] = v
	}
	if c.token != "" {
		j["token"] = c.token
	} else {
		j["token"] = nil
	}
	if c.status == statusPending {
		// A pending connection has no participant: its runtime fields, and even its
		// publishers and subscribers, are null, not empty.
		for _, k := range []string{"activeAt", "location", "ip", "platform", "clientData", "publishers", "subscribers"} {
			j[k] = nil
		}
		return j
	}
	j["activeAt"] = c.activeAt
	j["location"] = "unknown" // CE has no geolocation
	j["ip"] = nil
	j["platform"] = c.platform
	publishers := []any{}
	if c.typ == "IPCAM" {
		j["clientData"] = nil
		publishers = append(publishers, c.ipcamPublisherJSON())
	} else {
		j["clientData"] = ""
	}
	j["publishers"] = publishers
	j["subscribers"] = []any{}
	return j
}

// ipcamPublisherJSON is the stream an IP camera publishes as soon as it is added.
func (c *connection) ipcamPublisherJSON() map[string]any {
	return map[string]any{
		"streamId":  c.streamID,
		"createdAt": c.activeAt,
		"mediaOptions": map[string]any{
			"hasAudio":                true,
			"audioActive":             true,
			"hasVideo":                true,
			"videoActive":             true,
			"typeOfVideo":             "IPCAM",
			"frameRate":               nil,
			"videoDimensions":         nil,
			"filter":                  map[string]any{},
			"rtspUri":                 c.props.rtspURI,
			"adaptativeBitrate":       c.props.adaptativeBitrate,
			"onlyPlayWithSubscribers": c.props.onlyPlayWithSubscribers,
			"networkCache":            c.props.networkCache,
		},
	}
}

// tokenJSON is Token.toJson, the answer of the deprecated POST /tokens.
func (c *connection) tokenJSON() map[string]any {
	j := map[string]any{
		"id":           c.token,
		"token":        c.token,
		"createdAt":    c.createdAt,
		"connectionId": c.id,
		"session":      c.sessionID,
		"data":         c.props.data,
		"role":         c.props.role,
	}
	if c.props.kurentoOptions != nil {
		j["kurentoOptions"] = c.props.kurentoOptions
	}
	return j
}
