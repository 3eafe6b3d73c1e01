package video

// Policy holds the switches that shape what each role may do. The Service's own (VIDEO_*)
// apply to every provider; a provider's configuration may turn a switch on for that provider
// alone (PolicySource).
type Policy struct {
	// WaitingRoom holds patients on entry until a doctor admits them (VIDEO_WAITING_ROOM).
	WaitingRoom bool `envconfig:"VIDEO_WAITING_ROOM"`
	// ClientRecording lets doctors record from the client where the vendor's client records
	// (VIDEO_CLIENT_RECORDING).
	ClientRecording bool `envconfig:"VIDEO_CLIENT_RECORDING"`
}

// join returns the policy with every switch of o turned on as well.
func (p Policy) join(o Policy) Policy {
	return Policy{WaitingRoom: p.WaitingRoom || o.WaitingRoom, ClientRecording: p.ClientRecording || o.ClientRecording}
}

// Grants decides what role may do under the policy. It is the one place where a role becomes
// permissions: only the doctor moderates; a patient takes part (held first with a waiting
// room); an observer is hidden and only receives.
func (p Policy) Grants(role Role) Grants {
	switch role {
	case RoleDoctor:
		return Grants{Moderator: true, Publish: true, Subscribe: true, PublishData: true, ScreenShare: true, Record: p.ClientRecording}
	case RolePatient:
		return Grants{Publish: true, Subscribe: true, PublishData: true, ScreenShare: true, Waiting: p.WaitingRoom}
	case RoleObserver:
		return Grants{Subscribe: true, Hidden: true}
	}
	return Grants{}
}
