package openvidu

import (
	"errors"
	"fmt"

	video "github.com/teleconsult/video"
	"github.com/twitchtv/twirp"
)

// classify turns a Twirp error into the library's vocabulary: refused credentials wrap
// video.ErrUnauthenticated, bad requests video.ErrInvalidArgument, the rest are failures.
// The message names the operation and never carries a token.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var te twirp.Error
	if errors.As(err, &te) { // the twirp.Error stays reachable with errors.As
		switch te.Code() {
		case twirp.Unauthenticated, twirp.PermissionDenied:
			return fmt.Errorf("openvidu: %s: %w (check OPENVIDU_API_KEY and OPENVIDU_SECRET): %w", op, video.ErrUnauthenticated, err)
		case twirp.InvalidArgument, twirp.Malformed, twirp.OutOfRange:
			return fmt.Errorf("openvidu: %s: %w: %w", op, video.ErrInvalidArgument, err)
		}
	}
	return fmt.Errorf("openvidu: %s: %w", op, err)
}

// notFound reports whether err is Twirp's not_found.
func notFound(err error) bool {
	var te twirp.Error
	return errors.As(err, &te) && te.Code() == twirp.NotFound
}
