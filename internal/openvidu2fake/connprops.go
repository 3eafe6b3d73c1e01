package openvidu2fake

import (
	"errors"
	"net/url"
)

// connectionProps are io.openvidu.java.client.ConnectionProperties, as POST
// /sessions/{id}/connection sets them and PATCH (PRO) changes role and record.
type connectionProps struct {
	typ              string // WEBRTC or IPCAM
	data             string // written as "serverData"
	record           bool
	role             string         // WEBRTC only; "" is null
	kurentoOptions   map[string]any // WEBRTC only; nil is null
	customIceServers []any          // WEBRTC only
	// IPCAM only:
	rtspURI                 string
	adaptativeBitrate       bool
	onlyPlayWithSubscribers bool
	networkCache            int64
}

var (
	connectionTypes = set("WEBRTC", "IPCAM")
	roles           = set("SUBSCRIBER", "PUBLISHER", "MODERATOR")
	rtspSchemes     = set("file", "rtsp", "rtsps", "http", "https")
	// kurentoBandwidths are the integer members of KurentoOptions.
	kurentoBandwidths = []string{"videoMaxRecvBandwidth", "videoMinRecvBandwidth", "videoMaxSendBandwidth", "videoMinSendBandwidth"}
)

// parseConnectionProps is ConnectionProperties.fromJson with its DefaultValues (WEBRTC,
// data "", record true, PUBLISHER; for IPCAM adaptativeBitrate and onlyPlayWithSubscribers
// true, networkCache 2000). A nil p is an absent body. The error's message is the 400's.
func parseConnectionProps(p params) (connectionProps, error) {
	typ, typeSet, err1 := p.str("type")
	data, _, err2 := p.str("data")
	record, recordSet, err3 := p.boolean("record")
	if err := errors.Join(err1, err2, err3); err != nil {
		return connectionProps{}, err
	}
	cp := connectionProps{typ: "WEBRTC", data: data, record: true}
	if typeSet {
		if !connectionTypes[typ] {
			return connectionProps{}, errors.New("Parameter 'type' " + typ + " is not defined")
		}
		cp.typ = typ
	}
	if recordSet {
		cp.record = record
	}
	if cp.typ == "IPCAM" {
		return parseIPCamProps(p, cp)
	}
	return parseWebRTCProps(p, cp)
}

// parseWebRTCProps reads role, kurentoOptions and customIceServers.
func parseWebRTCProps(p params, cp connectionProps) (connectionProps, error) {
	role, roleSet, err := p.str("role")
	if err != nil {
		return connectionProps{}, err
	}
	cp.role = "PUBLISHER"
	if roleSet {
		if !roles[role] {
			return connectionProps{}, errors.New("Parameter role " + role + " is not defined")
		}
		cp.role = role
	}
	ko, koSet, err := p.object("kurentoOptions")
	if err != nil {
		return connectionProps{}, errors.New("Error in parameter 'kurentoOptions'. It is not a valid JSON object")
	}
	if koSet {
		if cp.kurentoOptions, err = parseKurentoOptions(ko); err != nil {
			return connectionProps{}, err
		}
	}
	ice, iceSet, err := p.list("customIceServers")
	if err != nil {
		return connectionProps{}, errors.New("Error in parameter 'customIceServersJson'. It is not a valid JSON object")
	}
	cp.customIceServers = []any{}
	if iceSet {
		if cp.customIceServers, err = parseIceServers(ice); err != nil {
			return connectionProps{}, err
		}
	}
	return cp, nil
}

// parseKurentoOptions keeps the members KurentoOptions knows, written back as
// KurentoOptions.toJson does: only those that were set.
func parseKurentoOptions(ko params) (map[string]any, error) {
	out := map[string]any{}
	for _, k := range kurentoBandwidths {
		v, set, err := ko.integer(k)
		if err != nil {
			return nil, errors.New("Type error in some parameter of 'kurentoOptions': " + err.Error())
		}
		if set {
			out[k] = v
		}
	}
	filters, set, err := ko.list("allowedFilters")
	if err != nil {
		return nil, errors.New("Type error in some parameter of 'kurentoOptions': " + err.Error())
	}
	if set {
		names := make([]any, 0, len(filters))
		for _, f := range filters {
			name, ok := f.(string)
			if !ok {
				return nil, errors.New("Type error in some parameter of 'kurentoOptions': allowedFilters")
			}
			names = append(names, name)
		}
		out["allowedFilters"] = names
	}
	return out, nil
}

// parseIceServers checks each server has a string url and string credentials, if any.
func parseIceServers(list []any) ([]any, error) {
	out := make([]any, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, errors.New("Type error in some parameter of 'customIceServers': not an object")
		}
		server := params(m)
		u, set, err := server.str("url")
		if err != nil || !set {
			return nil, errors.New("Type error in some parameter of 'customIceServers': url")
		}
		entry := map[string]any{"url": u}
		for _, k := range []string{"username", "credential", "staticAuthSecret"} {
			v, set, err := server.str(k)
			if err != nil {
				return nil, errors.New("Type error in some parameter of 'customIceServers': " + k)
			}
			if set {
				entry[k] = v
			}
		}
		out = append(out, entry)
	}
	return out, nil
}

// parseIPCamProps reads rtspUri (required: the real server cannot publish an IP camera
// without one), adaptativeBitrate, onlyPlayWithSubscribers and networkCache.
func parseIPCamProps(p params, cp connectionProps) (connectionProps, error) {
	rtspURI, rtspSet, err1 := p.str("rtspUri")
	adaptative, adaptativeSet, err2 := p.boolean("adaptativeBitrate")
	onlyPlay, onlyPlaySet, err3 := p.boolean("onlyPlayWithSubscribers")
	cache, cacheSet, err4 := p.integer("networkCache")
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return connectionProps{}, err
	}
	if !rtspSet {
		return connectionProps{}, errors.New(`"rtspUri" parameter is not a valid rtsp uri`)
	}
	if u, err := url.Parse(rtspURI); err != nil || !rtspSchemes[u.Scheme] {
		return connectionProps{}, errors.New("Error in parameter 'rtspUri': RTSP URI does not contain a valid protocol [file, rtsp, rtsps, http, https]")
	}
	cp.rtspURI = rtspURI
	cp.adaptativeBitrate, cp.onlyPlayWithSubscribers, cp.networkCache = true, true, 2000
	if adaptativeSet {
		cp.adaptativeBitrate = adaptative
	}
	if onlyPlaySet {
		cp.onlyPlayWithSubscribers = onlyPlay
	}
	if cacheSet {
		cp.networkCache = cache
	}
	cp.customIceServers = []any{}
	return cp, nil
}

// json is ConnectionProperties.toJson as Token.getConnectionPropertiesWithFinalJsonFormat
// shapes it: "data" renamed "serverData", and null for what does not apply to the type.
func (cp connectionProps) json() map[string]any {
	j := map[string]any{
		"type":                    cp.typ,
		"serverData":              cp.data,
		"record":                  cp.record,
		"role":                    nil,
		"kurentoOptions":          nil,
		"customIceServers":        cp.customIceServers,
		"rtspUri":                 nil,
		"adaptativeBitrate":       nil,
		"onlyPlayWithSubscribers": nil,
		"networkCache":            nil,
	}
	if cp.role != "" {
		j["role"] = cp.role
	}
	if cp.kurentoOptions != nil {
		j["kurentoOptions"] = cp.kurentoOptions
	}
	if cp.typ == "IPCAM" {
		j["rtspUri"] = cp.rtspURI
		j["adaptativeBitrate"] = cp.adaptativeBitrate
		j["onlyPlayWithSubscribers"] = cp.onlyPlayWithSubscribers
		j["networkCache"] = cp.networkCache
	}
	return j
}
