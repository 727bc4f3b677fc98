package function_test

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// A token answer never lives longer than the JWT it was given for. A direct role's SMH token
// keeps SMH's 300 s minimum period; a brokered answer (no SMH token in it) has no such floor.
func TestTokenPeriodBoundByJWT(t *testing.T) {
	t.Parallel()
	type bound struct {
		name     string
		jwtLeft  time.Duration
		min, max float64
	}
	for _, m := range []struct {
		mode   string
		opts   []option
		bounds []bound
	}{
		{"direct", []option{withDirect()}, []bound{
			{"JWT outlives the role's period", 2 * time.Hour, 3600, 3600},
			{"JWT ends in 10 min", 10 * time.Minute, 590, 600},
			{"JWT ends in 5 min 1 s", 5*time.Minute + time.Second, 295, 301},
			{"JWT ends in 2 min: SMH's floor", 2 * time.Minute, 300, 300},
			{"JWT ends within the leeway", -5 * time.Second, 300, 300},
		}},
		{"brokered", nil, []bound{
			{"JWT outlives the role's period", 2 * time.Hour, 3600, 3600},
			{"JWT ends in 10 min", 10 * time.Minute, 590, 600},
			{"JWT ends in 2 min", 2 * time.Minute, 110, 120},
			{"JWT ends within the leeway", -5 * time.Second, 1, 1},
		}},
	} {
		t.Run(m.mode, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, m.opts...)
			for _, c := range m.bounds {
				auth := "Bearer " + jwtFor(t, jwt.MapClaims{"sub": "alice", "role": "uploader", "exp": time.Now().Add(c.jwtLeft).Unix()})
				a := e.do("POST", "/v1/token", auth, "")
				if a.Status != 200 || a.JSON["mode"] != m.mode {
					t.Fatalf("%s: %d %s", c.name, a.Status, a.Body)
				}
				if n, _ := a.JSON["expiresIn"].(float64); n < c.min || n > c.max {
					t.Errorf("%s: expiresIn %v, want %v..%v", c.name, n, c.min, c.max)
				}
			}
		})
	}
}
