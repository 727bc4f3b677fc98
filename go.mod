module github.com/ferry-upload/ferry

go 1.26.8

require (
	github.com/aws/aws-lambda-go v1.55.1
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/hack-pad/safejs v0.1.0
	github.com/stretchr/testify v1.12.1
	github.com/syumai/workers v0.32.0
	golang.org/x/text v0.44.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect

replace github.com/hack-pad/safejs => ./third_party/safejs
