module github.com/teleconsult/video

go 1.26.8

require (
	github.com/kelseyhightower/envconfig v1.4.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sync v0.25.0 // indirect
)
