package function

import "github.com/ferry-upload/ferry/function/provider"

// The neutral core lives in package provider, which the providers import; these aliases
// keep the function's code reading as before.
type (
	Provider        = provider.Provider
	Beginner        = provider.Beginner
	Targeter        = provider.Targeter
	Stater          = provider.Stater
	Completer       = provider.Completer
	Aborter         = provider.Aborter
	Remover         = provider.Remover
	UsageReader     = provider.UsageReader
	UploadSpec      = provider.UploadSpec
	Begun           = provider.Begun
	Target          = provider.Target
	RemoteState     = provider.RemoteState
	StoredPart      = provider.StoredPart
	CompleteRequest = provider.CompleteRequest
	StoredFile      = provider.StoredFile
	HashNeeded      = provider.HashNeeded
	Shaper          = provider.Shaper
	Shape           = provider.Shape
	DirectoryMaker  = provider.DirectoryMaker
	Ticket          = provider.Ticket
)

// Neutral conflict strategies of POST /v1/uploads.
const (
	ConflictFail    = provider.ConflictFail
	ConflictRename  = provider.ConflictRename
	ConflictReplace = provider.ConflictReplace
)

// Caller is the authenticated caller with its resolved role. Providers see only the
// neutral part (provider.Caller): the role's policy is the function's business.
type Caller struct {
	provider.Caller
	Role *Role
}

// shapeOf is the provider's upload shape; without a Shaper, parts go in any order and no
// hash is accepted.
func shapeOf(p Provider) Shape {
	if s, ok := p.(Shaper); ok {
		return s.Shape()
	}
	return Shape{}
}

// sleep is provider.Sleep: the function's retries wait with it.
var sleep = provider.Sleep
