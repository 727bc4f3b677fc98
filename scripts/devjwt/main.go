// Command devjwt mints a development JWT (HS256) for the token function, the way a host
// application would after signing its user in:
//
//	go run ./scripts/devjwt -sub alice -role uploader
//
// The secret is -secret or, when that is empty, $AUTH_HS256_SECRET (the same value the
// function is started with). The token is printed on stdout. Never use it in production:
// real tokens come from your application's sign-in.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func main() {
	sub := flag.String("sub", "", "subject (the user id); required")
	role := flag.String("role", "uploader", "role claim (comma list for several)")
	space := flag.String("space", "", "space claim (comma list for several); empty for none")
	secret := flag.String("secret", "", "HS256 secret (default $AUTH_HS256_SECRET)")
	ttl := flag.Duration("ttl", time.Hour, "lifetime")
	iss := flag.String("iss", os.Getenv("AUTH_ISSUER"), "issuer claim (default $AUTH_ISSUER)")
	aud := flag.String("aud", os.Getenv("AUTH_AUDIENCE"), "audience claim (default $AUTH_AUDIENCE)")
	roleClaim := flag.String("role-claim", envOr("AUTH_ROLE_CLAIM", "role"), "name of the role claim")
	spaceClaim := flag.String("space-claim", envOr("AUTH_SPACE_CLAIM", "space"), "name of the space claim")
	flag.Parse()

	if *secret == "" {
		*secret = os.Getenv("AUTH_HS256_SECRET")
	}
	if *sub == "" || *secret == "" {
		fmt.Fprintln(os.Stderr, "devjwt: give -sub and a secret (-secret or AUTH_HS256_SECRET)")
		flag.Usage()
		os.Exit(2)
	}
	now := time.Now()
	claims := jwt.MapClaims{"sub": *sub, "iat": now.Unix(), "exp": now.Add(*ttl).Unix()}
	if *role != "" {
		claims[*roleClaim] = list(*role)
	}
	if *space != "" {
		claims[*spaceClaim] = list(*space)
	}
	if *iss != "" {
		claims["iss"] = *iss
	}
	if *aud != "" {
		claims["aud"] = *aud
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(*secret))
	if err != nil {
		fmt.Fprintln(os.Stderr, "devjwt:", err)
		os.Exit(1)
	}
	fmt.Println(tok)
}

// list keeps a single value a string and makes a comma list a JSON array.
func list(s string) any {
	parts := strings.Split(s, ",")
	if len(parts) == 1 {
		return s
	}
	return parts
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
