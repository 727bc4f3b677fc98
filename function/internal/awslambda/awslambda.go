// Package awslambda adapts an http.Handler to the two ways Lambda serves HTTP: Function
// URLs with response streaming (lambdaurl) and API Gateway HTTP APIs with payload format
// 2.0. Neither leaks into the handler: it sees a plain *http.Request.
package awslambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdaurl"
)

// URL serves a Function URL configured with InvokeMode RESPONSE_STREAM. It is
// lambdaurl.Wrap plus the request's cookies, which Function URL events carry apart from
// the headers and lambdaurl does not pass on.
func URL(h http.Handler) func(context.Context, *events.LambdaFunctionURLRequest) (*events.LambdaFunctionURLStreamingResponse, error) {
	wrapped := lambdaurl.Wrap(h)
	return func(ctx context.Context, req *events.LambdaFunctionURLRequest) (*events.LambdaFunctionURLStreamingResponse, error) {
		if len(req.Cookies) > 0 {
			r := *req
			r.Headers = withCookies(req.Headers, req.Cookies)
			req = &r
		}
		return wrapped(ctx, req)
	}
}

// APIGatewayV2 serves an API Gateway HTTP API (payload format 2.0). A named stage's path
// prefix is removed before routing and passed on as X-Forwarded-Prefix, so the URLs the
// handler builds keep it.
func APIGatewayV2(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		body := []byte(ev.Body)
		if ev.IsBase64Encoded {
			b, err := base64.StdEncoding.DecodeString(ev.Body)
			if err != nil {
				return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusBadRequest}, nil
			}
			body = b
		}
		path, prefix := ev.RawPath, ""
		if st := ev.RequestContext.Stage; st != "" && st != "$default" {
			if p := "/" + st; path == p || strings.HasPrefix(path, p+"/") {
				path, prefix = strings.TrimPrefix(path, p), p
			}
		}
		if path == "" {
			path = "/"
		}
		url := "https://" + ev.RequestContext.DomainName + path
		if ev.RawQueryString != "" {
			url += "?" + ev.RawQueryString
		}
		req, err := http.NewRequestWithContext(ctx, ev.RequestContext.HTTP.Method, url, bytes.NewReader(body))
		if err != nil {
			return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusBadRequest}, nil
		}
		for k, v := range withCookies(ev.Headers, ev.Cookies) {
			req.Header.Set(k, v)
		}
		req.Header.Del("X-Forwarded-Prefix")
		if prefix != "" {
			req.Header.Set("X-Forwarded-Prefix", prefix)
		}
		req.RemoteAddr = ev.RequestContext.HTTP.SourceIP
		req.RequestURI = path

		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := events.APIGatewayV2HTTPResponse{StatusCode: rec.Code, Headers: map[string]string{}}
		for k, v := range rec.Result().Header {
			if k == "Set-Cookie" {
				res.Cookies = v
				continue
			}
			res.Headers[k] = strings.Join(v, ",")
		}
		if b := rec.Body.Bytes(); utf8.Valid(b) {
			res.Body = string(b)
		} else {
			res.Body, res.IsBase64Encoded = base64.StdEncoding.EncodeToString(b), true
		}
		return res, nil
	}
}

// withCookies returns headers plus a Cookie header made of cookies.
func withCookies(headers map[string]string, cookies []string) map[string]string {
	out := make(map[string]string, len(headers)+1)
	for k, v := range headers {
		out[k] = v
	}
	if len(cookies) > 0 {
		out["cookie"] = strings.Join(cookies, "; ")
	}
	return out
}
