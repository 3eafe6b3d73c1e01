package openvidu2fake

import (
	"errors"
	"net/http"
	"regexp"
)

// recordingProps are io.openvidu.java.client.RecordingProperties: a session's
// defaultRecordingProperties and the properties of one recording. Fields that do not apply
// to the output mode keep their default values and are not written.
type recordingProps struct {
	name                string
	hasAudio, hasVideo  bool
	outputMode          string // COMPOSED, COMPOSED_QUICK_START or INDIVIDUAL
	recordingLayout     string // COMPOSED* with video only, as the next four
	resolution          string
	frameRate           int64
	shmSize             int64
	customLayout        string // recordingLayout CUSTOM only
	ignoreFailedStreams bool   // INDIVIDUAL only
	mediaNode           string // PRO; COMPOSED* only
}

// defaultRecordingProps are RecordingProperties.DefaultValues.
func defaultRecordingProps() recordingProps {
	return recordingProps{
		hasAudio:        true,
		hasVideo:        true,
		outputMode:      "COMPOSED",
		recordingLayout: "BEST_FIT",
		resolution:      "1280x720",
		frameRate:       25,
		shmSize:         536870912,
	}
}

var (
	outputModes      = set("COMPOSED", "COMPOSED_QUICK_START", "INDIVIDUAL")
	recordingLayouts = set("BEST_FIT", "PICTURE_IN_PICTURE", "VERTICAL_PRESENTATION", "HORIZONTAL_PRESENTATION", "CUSTOM")
	// recordingNamePattern is Utils.isValidRecordingName.
	recordingNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_\-~]+$`)
	// resolutionPattern is Utils.isAcceptableRecordingResolution: WxH, each 100 to 1999.
	resolutionPattern = regexp.MustCompile(`^([1-9][0-9]{2}|1[0-9]{3})x([1-9][0-9]{2}|1[0-9]{3})$`)
)

// Minimum shared memory of a COMPOSED recording (Utils.isAcceptableRecordingShmSize).
const minShmSize = 134217728

func isComposed(outputMode string) bool {
	return outputMode == "COMPOSED" || outputMode == "COMPOSED_QUICK_START"
}

// propsError is a rejected recording property and the status it earns: the controller
// answers IllegalStateException with 422 and any other RuntimeException with 400.
type propsError struct {
	status  int
	message string
}

func (e *propsError) Error() string { return e.message }

func badProp(message string) *propsError {
	return &propsError{status: http.StatusBadRequest, message: message}
}

func unprocessableProp(message string) *propsError {
	return &propsError{status: http.StatusUnprocessableEntity, message: message}
}

// parseRecordingProps is RecordingProperties.fromJson(p, defaults): each property p does not
// set comes from defaults. fromSession is true when defaults are a session's
// defaultRecordingProperties (POST /recordings/start), which also turns a requested COMPOSED
// into the session's COMPOSED_QUICK_START and the reverse, as the real server does.
func parseRecordingProps(p params, defaults recordingProps, fromSession bool) (recordingProps, *propsError) {
	name, _, err1 := p.str("name")
	hasAudio, hasAudioSet, err2 := p.boolean("hasAudio")
	hasVideo, hasVideoSet, err3 := p.boolean("hasVideo")
	outputMode, outputModeSet, err4 := p.str("outputMode")
	layout, layoutSet, err5 := p.str("recordingLayout")
	resolution, resolutionSet, err6 := p.str("resolution")
	frameRate, frameRateSet, err7 := p.integer("frameRate")
	shmSize, shmSizeSet, err8 := p.integer("shmSize")
	customLayout, customLayoutSet, err9 := p.str("customLayout")
	ignoreFailed, ignoreFailedSet, err10 := p.boolean("ignoreFailedStreams")
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8, err9, err10); err != nil {
		return recordingProps{}, badProp(err.Error())
	}

	out := defaultRecordingProps()
	out.name = defaults.name
	if name != "" {
		if !recordingNamePattern.MatchString(name) {
			return recordingProps{}, badProp("Parameter 'name' is wrong. Must be an alphanumeric string [a-zA-Z0-9_-~]+")
		}
		out.name = name
	}
	out.hasAudio, out.hasVideo = defaults.hasAudio, defaults.hasVideo
	if hasAudioSet {
		out.hasAudio = hasAudio
	}
	if hasVideoSet {
		out.hasVideo = hasVideo
	}
	if !out.hasAudio && !out.hasVideo {
		return recordingProps{}, unprocessableProp(`Cannot start a recording with both "hasAudio" and "hasVideo" set to false`)
	}
	out.outputMode = defaults.outputMode
	if outputModeSet {
		if !outputModes[outputMode] {
			return recordingProps{}, badProp("Type error in parameter 'outputMode'")
		}
		out.outputMode = outputMode
		if fromSession && isComposed(outputMode) && isComposed(defaults.outputMode) {
			out.outputMode = defaults.outputMode
		}
	}

	if isComposed(out.outputMode) {
		out.recordingLayout = defaults.recordingLayout
		if layoutSet {
			if !recordingLayouts[layout] {
				return recordingProps{}, badProp("Type error in parameter 'recordingLayout'")
			}
			out.recordingLayout = layout
		}
		out.resolution = defaults.resolution
		if resolutionSet {
			if !resolutionPattern.MatchString(resolution) {
				return recordingProps{}, unprocessableProp("Wrong 'resolution' parameter. Acceptable values from 100 to 1999 for both width and height")
			}
			out.resolution = resolution
		}
		out.frameRate = defaults.frameRate
		if frameRateSet {
			if frameRate < 1 || frameRate > 120 {
				return recordingProps{}, unprocessableProp("Wrong 'frameRate' parameter. Acceptable values are within range [1,120]")
			}
			out.frameRate = frameRate
		}
		out.shmSize = defaults.shmSize
		if shmSizeSet {
			if shmSize < minShmSize {
				return recordingProps{}, unprocessableProp("Wrong 'shmSize' parameter. Must be 134217728 (128 MB) minimum")
			}
			out.shmSize = shmSize
		}
		if out.recordingLayout == "CUSTOM" {
			out.customLayout = defaults.customLayout
			if customLayoutSet {
				out.customLayout = customLayout
			}
		}
		out.mediaNode = defaults.mediaNode
		if out.mediaNode == "" {
			node, perr := mediaNodeParam(p)
			if perr != nil {
				return recordingProps{}, perr
			}
			out.mediaNode = node
		}
	}
	if out.outputMode == "INDIVIDUAL" {
		out.ignoreFailedStreams = defaults.ignoreFailedStreams
		if ignoreFailedSet {
			out.ignoreFailedStreams = ignoreFailed
		}
	}
	if !isComposed(out.outputMode) || !out.hasVideo {
		// The builder never set them: they fall back to the defaults and are not written.
		d := defaultRecordingProps()
		out.recordingLayout, out.resolution, out.frameRate, out.shmSize = d.recordingLayout, d.resolution, d.frameRate, d.shmSize
		out.customLayout = ""
	}
	return out, nil
}

// mediaNodeParam reads "mediaNode", either {"id": "..."} or a bare string.
func mediaNodeParam(p params) (string, *propsError) {
	switch v := p["mediaNode"].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case map[string]any:
		id, ok := v["id"].(string)
		if !ok {
			return "", badProp("Error in parameter 'mediaNode'. Property 'id' not found")
		}
		return id, nil
	default:
		return "", badProp("Wrong 'mediaNode' parameter. Wrong type")
	}
}

// defaultsJSON is RecordingProperties.toJson, the session's "defaultRecordingProperties".
func (rp recordingProps) defaultsJSON() map[string]any {
	j := map[string]any{
		"name":       rp.name,
		"hasAudio":   rp.hasAudio,
		"hasVideo":   rp.hasVideo,
		"outputMode": rp.outputMode,
	}
	if isComposed(rp.outputMode) && rp.hasVideo {
		j["recordingLayout"] = rp.recordingLayout
		j["resolution"] = rp.resolution
		j["frameRate"] = rp.frameRate
		j["shmSize"] = rp.shmSize
		if rp.recordingLayout == "CUSTOM" {
			j["customLayout"] = rp.customLayout
		}
	}
	if rp.outputMode == "INDIVIDUAL" {
		j["ignoreFailedStreams"] = rp.ignoreFailedStreams
	}
	if rp.mediaNode != "" {
		j["mediaNode"] = rp.mediaNode
	}
	return j
}

// set builds a membership map.
func set(values ...string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}
