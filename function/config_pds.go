package function

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/ferry-upload/ferry/function/pds"
	sharedpds "github.com/ferry-upload/ferry/shared/pds"
)

// Environment variables of the PDS provider (interfaces.md §5.3).
const (
	EnvPDSAPIBase      = "PDS_API_BASE"
	EnvPDSDomainID     = "PDS_DOMAIN_ID"
	EnvPDSClientID     = "PDS_CLIENT_ID"
	EnvPDSPrivateKey   = "PDS_PRIVATE_KEY"
	EnvPDSDrive        = "PDS_DRIVE"
	EnvPDSClientSecret = "PDS_CLIENT_SECRET"
	EnvPDSRedirectURI  = "PDS_REDIRECT_URI"
)

// PDSConfig is the PDS provider's configuration (FERRY_PROVIDER=pds).
type PDSConfig struct {
	// APIBase is the domain's API (PDS_API_BASE), e.g. https://{domain}.api.aliyunpds.com.
	APIBase  string
	DomainID string // PDS_DOMAIN_ID
	// ClientID and PrivateKey are the JWT app's id and its RSA private key in PEM (PKCS#1 or
	// PKCS#8): the function signs each caller's JWT-bearer assertion with it.
	ClientID   string
	PrivateKey Secret
	// Drive is "default" (each user's default drive) or a drive id (PDS_DRIVE).
	Drive string
	// ClientSecret and RedirectURI are the web-server app's, for the sign-in flow.
	ClientSecret Secret
	RedirectURI  string
}

// pdsFromLookup reads the PDS variables. The private key is PEM, whose lines and final
// newline are its own (so it is trimmed rather than refused for whitespace).
func pdsFromLookup(lookup func(string) (string, bool), get func(string) string, secret func(string) Secret) PDSConfig {
	key, _ := lookup(EnvPDSPrivateKey)
	return PDSConfig{APIBase: get(EnvPDSAPIBase), DomainID: get(EnvPDSDomainID), ClientID: get(EnvPDSClientID),
		PrivateKey: Secret(strings.TrimSpace(key)), Drive: get(EnvPDSDrive), ClientSecret: secret(EnvPDSClientSecret),
		RedirectURI: get(EnvPDSRedirectURI)}
}

// validatePDS checks the PDS settings and the policy's fit: every role brokered (a PDS token
// carries the user's full rights, so none may reach a browser) and single-space.
func (c *Config) validatePDS() error {
	p := &c.PDS
	p.APIBase = strings.TrimRight(p.APIBase, "/")
	if err := c.checkURL(EnvPDSAPIBase, p.APIBase, true); err != nil {
		return err
	}
	if !validID(p.DomainID) {
		return fmt.Errorf("%s %q: use the domain id (1-64 letters, digits, '-', '_')", EnvPDSDomainID, p.DomainID)
	}
	if p.ClientID == "" {
		return fmt.Errorf("%s is empty: name the JWT app (or, with %s, the web app)", EnvPDSClientID, EnvPDSClientSecret)
	}
	if p.webSignIn() {
		if p.PrivateKey != "" {
			return fmt.Errorf("%s and %s are both set: choose JWT bearer (the key) or web sign-in (the secret)", EnvPDSPrivateKey, EnvPDSClientSecret)
		}
		if err := c.checkURL(EnvPDSRedirectURI, p.RedirectURI, false); err != nil {
			return err
		}
		if !strings.HasSuffix(p.RedirectURI, routePDSCallback) {
			return fmt.Errorf("%s %q: it is this function's %s (PDS sends the user back there)", EnvPDSRedirectURI, p.RedirectURI, routePDSCallback)
		}
		if len(c.TicketKey) == 0 && !c.DevMode {
			return fmt.Errorf("%s is required with web sign-in: it seals the PDS sign-in into the caller's cookie", EnvTicketKey)
		}
	} else {
		if p.RedirectURI != "" {
			return fmt.Errorf("%s is set without %s (web sign-in needs both)", EnvPDSRedirectURI, EnvPDSClientSecret)
		}
		if _, err := parseRSAKey(p.PrivateKey); err != nil {
			return fmt.Errorf("%s: %w", EnvPDSPrivateKey, err)
		}
	}
	if p.Drive == "" {
		p.Drive = pds.DriveDefault
	}
	if p.Drive != pds.DriveDefault && !validID(p.Drive) {
		return fmt.Errorf("%s %q: use %q or a drive id", EnvPDSDrive, p.Drive, pds.DriveDefault)
	}
	for _, name := range c.Policy.roleNames() {
		r := c.Policy.Roles[name]
		if r.Mode != ModeBrokered {
			return fmt.Errorf("POLICY: role %q: mode %q is SMH's only; with %s=pds every role is brokered (a PDS token carries the user's full rights)", name, r.Mode, EnvProvider)
		}
		if r.Space != DefaultSpace {
			return fmt.Errorf("POLICY: role %q: space %q: PDS has no spaces; use \"-\"", name, r.Space)
		}
	}
	return nil
}

// parseRSAKey reads an RSA private key in PEM (PKCS#1 or PKCS#8). Its errors never quote it.
func parseRSAKey(pemText Secret) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(strings.ReplaceAll(string(pemText), `\n`, "\n")))
	if block == nil {
		return nil, errors.New("not a PEM block (paste the key with its BEGIN and END lines; \\n for line breaks is fine)")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, checkRSASize(k)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("not an RSA private key in PKCS#1 or PKCS#8")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("the key is not RSA (PDS's JWT apps sign with RS256)")
	}
	return rk, checkRSASize(rk)
}

func checkRSASize(k *rsa.PrivateKey) error {
	if k.N.BitLen() < 2048 {
		return fmt.Errorf("the RSA key has %d bits; use at least 2048", k.N.BitLen())
	}
	return nil
}

// webSignIn reports whether callers sign in to PDS themselves (the web-server app).
func (p *PDSConfig) webSignIn() bool { return p.ClientSecret != "" }

// newPDSProvider builds the PDS provider of a validated config.
func newPDSProvider(cfg Config) (*pds.Provider, error) {
	if cfg.PDS.webSignIn() {
		client := &sharedpds.Client{BaseURL: cfg.PDS.APIBase, HTTP: cfg.HTTPClient}
		app := pds.WebApp{ClientID: cfg.PDS.ClientID, ClientSecret: string(cfg.PDS.ClientSecret)}
		return pds.NewWeb(client, app, cfg.PDS.DomainID, cfg.PDS.Drive, cfg.Now), nil
	}
	key, err := parseRSAKey(cfg.PDS.PrivateKey)
	if err != nil {
		return nil, err
	}
	client := &sharedpds.Client{BaseURL: cfg.PDS.APIBase, HTTP: cfg.HTTPClient}
	tokens := &sharedpds.UserTokens{Client: client, Key: key, ClientID: cfg.PDS.ClientID, DomainID: cfg.PDS.DomainID,
		AutoCreate: true, Now: cfg.Now}
	return pds.New(client, tokens, cfg.PDS.DomainID, cfg.PDS.Drive, cfg.Now), nil
}
