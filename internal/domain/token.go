package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// TokenPurpose says what an emailed single-use link is for.
type TokenPurpose string

// The purposes of emailed links, each with its lifetime.
const (
	TokenVerify TokenPurpose = "verify" // confirm an email address
	TokenReset  TokenPurpose = "reset"  // choose a new password
	TokenLogin  TokenPurpose = "login"  // sign in without a password
)

// Lifetime is how long a link of this purpose stays valid.
func (p TokenPurpose) Lifetime() time.Duration {
	switch p {
	case TokenVerify:
		return 48 * time.Hour
	case TokenReset:
		return time.Hour
	default:
		return 15 * time.Minute
	}
}

// Token is the stored side of an emailed link: only a hash of the secret
// is kept, so a copy of the database cannot be used to sign in.
type Token struct {
	Hash      string
	UserID    int64
	Purpose   TokenPurpose
	ExpiresAt time.Time
}

// HashToken is how an emailed secret is stored and looked up.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
