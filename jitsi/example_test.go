package jitsi_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/jitsi"
)

// A self-hosted Jitsi with token authentication: the link carries the token and the
// display name.
func ExampleNew() {
	cfg := jitsi.DefaultConfig() // what jitsi.LoadConfig() reads from JITSI_*
	cfg.Domain = "meet.example.com"
	cfg.AppID = "teleconsult"
	cfg.AppSecret = "the prosody app_secret, 32 bytes or more"
	p, err := jitsi.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := p.IssueToken(context.Background(), video.TokenRequest{
		Room: "consult-demo", UserID: "doctor-1", Role: video.RoleDoctor, TTL: time.Hour,
		Grants: video.Grants{Moderator: true, Publish: true, Subscribe: true, PublishData: true, ScreenShare: true},
		Info:   video.UserInfo{DisplayName: "Dr. Smith"},
	})
	if err != nil {
		log.Fatal(err)
	}
	link, fragment, _ := strings.Cut(tok.JoinURL, "#")
	fmt.Println(strings.HasPrefix(link, "https://meet.example.com/consult-demo?jwt="+tok.Token))
	fmt.Println(fragment)
	// Output:
	// true
	// userInfo.displayName=%22Dr.%20Smith%22
}
