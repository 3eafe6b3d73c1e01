package openvidu_test

import (
	"context"
	"fmt"
	"log"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/openvidu"
)

// A token for a doctor: signed locally, no server call.
func ExampleNew() {
	cfg := openvidu.DefaultConfig() // what video.LoadConfig() reads from OPENVIDU_*
	cfg.URL, cfg.APIKey, cfg.Secret = "https://openvidu.example.com", "api-key", "api-secret-0123456789abcdef0123456789"
	p, err := openvidu.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := p.IssueToken(context.Background(), video.TokenRequest{
		Room: "consult-demo", UserID: "doctor-1", Role: video.RoleDoctor, TTL: time.Hour,
		Info: video.UserInfo{DisplayName: "Dr. Smith"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.ServerURL)
	fmt.Println(tok.Token != "")
	// Output:
	// wss://openvidu.example.com
	// true
}
