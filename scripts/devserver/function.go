package main

import "net/http"

// inProcessFunction runs the token function inside the dev server.
// (Placeholder until package function lands: answers 503.)
func inProcessFunction() (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"code":"Internal","message":"the token function is not built yet"}`, http.StatusServiceUnavailable)
	}), nil
}
