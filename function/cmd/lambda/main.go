// Command lambda is the token function on AWS Lambda (provided.al2023, built with
// -tags lambda.norpc by scripts/package-lambda). FERRY_LAMBDA_EVENT picks the trigger:
// "url" (default) for a Function URL with InvokeMode RESPONSE_STREAM, "apigw" for an API
// Gateway HTTP API with payload format 2.0. Webhooks are delivered before answering:
// Lambda freezes the instance once the answer is sent.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/function/internal/awslambda"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := function.ConfigFromLookup(os.LookupEnv)
	if err != nil {
		fatal(logger, err)
	}
	cfg.Logger = logger
	h, err := function.New(cfg)
	if err != nil {
		fatal(logger, err)
	}
	switch mode := os.Getenv("FERRY_LAMBDA_EVENT"); mode {
	case "", "url":
		lambda.Start(awslambda.URL(h))
	case "apigw":
		lambda.Start(awslambda.APIGatewayV2(h))
	default:
		fatal(logger, errString("FERRY_LAMBDA_EVENT "+mode+": use url (Function URL, RESPONSE_STREAM) or apigw (API Gateway HTTP API, payload 2.0)"))
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func fatal(l *slog.Logger, err error) {
	l.Error(err.Error())
	os.Exit(1)
}
