package function_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/ferry-upload/ferry/function/internal/awslambda"
	"github.com/ferry-upload/ferry/function/internal/local"
)

// A transport turns a handler into a way of sending it requests: straight, through the
// local adapter's server, through the Lambda Function URL wrapper, through the API
// Gateway HTTP API (payload 2.0) adapter. The same tables run through each.
type transport struct {
	name string
	make func(t *testing.T, h http.Handler) func(*http.Request) *http.Response
}

var transports = []transport{
	{"direct", direct},
	{"local", viaLocal},
	{"lambdaurl", viaLambdaURL},
	{"apigw", viaAPIGateway("$default")},
	{"apigw-stage", viaAPIGateway("prod")},
}

func direct(t *testing.T, h http.Handler) func(*http.Request) *http.Response {
	return func(r *http.Request) *http.Response {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Result()
	}
}

func viaLocal(t *testing.T, h http.Handler) func(*http.Request) *http.Response {
	ts := httptest.NewUnstartedServer(h)
	ts.Config = local.Server("", h)
	ts.Start()
	t.Cleanup(ts.Close)
	return func(r *http.Request) *http.Response {
		req, err := http.NewRequest(r.Method, ts.URL+r.URL.RequestURI(), r.Body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = r.Header.Clone()
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
}

// eventParts renders a request the way AWS does in its v2 events: lower-case header
// names, cookies apart, the body as text or base64.
func eventParts(t *testing.T, r *http.Request) (headers map[string]string, cookies []string, body string, b64 bool) {
	headers = map[string]string{}
	for k, v := range r.Header {
		if strings.EqualFold(k, "Cookie") {
			for _, c := range v {
				cookies = append(cookies, strings.Split(c, "; ")...)
			}
			continue
		}
		headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	var raw []byte
	if r.Body != nil {
		raw, _ = io.ReadAll(r.Body)
	}
	if utf8.Valid(raw) {
		return headers, cookies, string(raw), false
	}
	return headers, cookies, base64.StdEncoding.EncodeToString(raw), true
}

func viaLambdaURL(t *testing.T, h http.Handler) func(*http.Request) *http.Response {
	fn := awslambda.URL(h)
	return func(r *http.Request) *http.Response {
		headers, cookies, body, b64 := eventParts(t, r)
		ev := &events.LambdaFunctionURLRequest{
			Version: "2.0", RawPath: r.URL.Path, RawQueryString: r.URL.RawQuery, Headers: headers, Cookies: cookies,
			Body: body, IsBase64Encoded: b64,
			RequestContext: events.LambdaFunctionURLRequestContext{
				DomainName: "abcdefg.lambda-url.eu-west-1.on.aws",
				HTTP:       events.LambdaFunctionURLRequestContextHTTPDescription{Method: r.Method, Path: r.URL.Path, SourceIP: "203.0.113.9"},
			},
		}
		res, err := fn(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		out := &http.Response{StatusCode: res.StatusCode, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(b))}
		for k, v := range res.Headers {
			out.Header.Set(k, v)
		}
		for _, c := range res.Cookies {
			out.Header.Add("Set-Cookie", c)
		}
		return out
	}
}

func viaAPIGateway(stage string) func(t *testing.T, h http.Handler) func(*http.Request) *http.Response {
	return func(t *testing.T, h http.Handler) func(*http.Request) *http.Response {
		fn := awslambda.APIGatewayV2(h)
		return func(r *http.Request) *http.Response {
			headers, cookies, body, b64 := eventParts(t, r)
			path := r.URL.Path
			if stage != "$default" {
				path = "/" + stage + path
				if !b64 && body != "" { // API Gateway base64-encodes bodies it takes for binary
					body, b64 = base64.StdEncoding.EncodeToString([]byte(body)), true
				}
			}
			ev := events.APIGatewayV2HTTPRequest{
				Version: "2.0", RouteKey: "$default", RawPath: path, RawQueryString: r.URL.RawQuery,
				Headers: headers, Cookies: cookies, Body: body, IsBase64Encoded: b64,
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					Stage: stage, DomainName: "abc123.execute-api.eu-west-1.amazonaws.com",
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.Method, Path: path, SourceIP: "203.0.113.9"},
				},
			}
			res, err := fn(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			b := []byte(res.Body)
			if res.IsBase64Encoded {
				b, _ = base64.StdEncoding.DecodeString(res.Body)
			}
			out := &http.Response{StatusCode: res.StatusCode, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(b))}
			for k, v := range res.Headers {
				out.Header.Set(k, v)
			}
			for _, c := range res.Cookies {
				out.Header.Add("Set-Cookie", c)
			}
			return out
		}
	}
}
