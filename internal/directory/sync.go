package directory

import (
	"context"

	"tnl/internal/store"
)

// Ensure writes the embedded directory into the database unless the
// database already holds this version. Every start calls it, so a new
// binary with a refreshed directory updates the bodies on its first run.
func Ensure(ctx context.Context, db *store.DB) error {
	have, err := db.DirectoryVersion(ctx)
	if err != nil || have == Version() {
		return err
	}
	d, err := Load()
	if err != nil {
		return err
	}
	return db.SyncDirectory(ctx, d.DomainBodies(), Version())
}
