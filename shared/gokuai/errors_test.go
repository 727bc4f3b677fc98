package gokuai_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

func TestErrorFromResponse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		code    string
		service int64
		msg     string
	}{
		{"sign", 401, `{"error_code":401041,"error_msg":"sign error"}`, gokuai.CodeInvalidSign, 401041, "sign error"},
		{"code as string", 404, `{"error_code":"40402","error_msg":"no library"}`, gokuai.CodeLibraryNotFound, 40402, "no library"},
		{"unknown code keeps the class", 403, `{"error_code":40399,"error_msg":"x"}`, gokuai.CodeForbidden, 40399, "x"},
		{"no body", 502, ``, gokuai.CodeServerError, 0, "HTTP 502"},
		{"html", 503, `<html>busy</html>`, gokuai.CodeUnavailable, 0, "HTTP 503"},
		{"error in a 200", 200, `{"error_code":40001,"error_msg":"bad"}`, gokuai.CodeInvalidParameter, 40001, "bad"},
		{"unknown error in a 200", 200, `{"error_code":12,"error_msg":"?"}`, gokuai.CodeBadRequest, 12, "?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gokuai.ErrorFromResponse(&gokuai.Response{StatusCode: tc.status, Body: []byte(tc.body)})
			if assert.NotNil(t, e) {
				assert.Equal(t, tc.code, e.Code)
				assert.Equal(t, tc.service, e.ServiceCode)
				assert.Equal(t, tc.msg, e.Message)
				assert.Equal(t, tc.status, e.Status)
				assert.Equal(t, tc.code, gokuai.Code(e))
			}
		})
	}
	for _, ok := range []string{``, `{}`, `{"org_id":1}`, `{"error_code":0,"error_msg":""}`, `[1]`} {
		assert.Nil(t, gokuai.ErrorFromResponse(&gokuai.Response{StatusCode: 200, Body: []byte(ok)}), ok)
	}
}
