package function_test

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// A browser token never lives longer than the JWT it was minted for, except for SMH's
// 300 s minimum period.
func TestTokenPeriodBoundByJWT(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, c := range []struct {
		name     string
		jwtLeft  time.Duration
		min, max float64
	}{
		{"JWT outlives the role's period", 2 * time.Hour, 3600, 3600},
		{"JWT ends in 10 min", 10 * time.Minute, 590, 600},
		{"JWT ends in 5 min 1 s", 5*time.Minute + time.Second, 295, 301},
		{"JWT ends in 2 min: SMH's floor", 2 * time.Minute, 300, 300},
		{"JWT ends within the leeway", -5 * time.Second, 300, 300},
	} {
		auth := "Bearer " + jwtFor(t, jwt.MapClaims{"sub": "alice", "role": "uploader", "exp": time.Now().Add(c.jwtLeft).Unix()})
		a := e.do("POST", "/v1/token", auth, "")
		if a.Status != 200 {
			t.Fatalf("%s: %d %s", c.name, a.Status, a.Body)
		}
		if n, _ := a.JSON["expiresIn"].(float64); n < c.min || n > c.max {
			t.Errorf("%s: expiresIn %v, want %v..%v", c.name, n, c.min, c.max)
		}
	}
}
