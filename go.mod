module github.com/ferry-upload/ferry

go 1.26.8

require (
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/hack-pad/go-indexeddb v0.3.2 // indirect
	github.com/hack-pad/safejs v0.1.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/syumai/workers v0.32.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
