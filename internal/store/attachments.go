package store

import (
	"context"
	"database/sql"

	"tnl/internal/domain"
)

// AddAttachment records a file already written under the attachments root
// and joins it to its answer in the same transaction: value builds the
// answer's new value from the attachment's id, and the save is checked
// against its base version like any other.
func (db *DB) AddAttachment(ctx context.Context, a *domain.Attachment, save domain.AnswerSave,
	value func(id int64) string) (domain.SaveResult, error) {
	var res domain.SaveResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if err := db.checkWritable(ctx, tx, a.ApplicationID, now); err != nil {
			return err
		}
		a.UploadedAt = now
		err := tx.QueryRowContext(ctx, `INSERT INTO attachments (application_id, question, name, content_type, size,
			sha256, path, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			a.ApplicationID, a.Question, a.Name, a.ContentType, a.Size, a.SHA256, a.Path, a.UploadedBy, now).Scan(&a.ID)
		if err != nil {
			return err
		}
		save.Value = value(a.ID)
		res, err = db.applySave(ctx, tx, save, now)
		if err != nil {
			return err
		}
		if res.Conflict != nil {
			return domain.Errorf(domain.ECONFLICT, "Quelqu'un a modifié cette réponse entre-temps : le fichier n'a pas été joint. Rechargez la page.")
		}
		return nil
	})
	return res, err
}

// FindAttachment returns one attachment's record.
func (db *DB) FindAttachment(ctx context.Context, id int64) (*domain.Attachment, error) {
	var a domain.Attachment
	err := db.sql.QueryRowContext(ctx, `SELECT id, application_id, question, name, content_type, size, sha256, path,
		uploaded_by, uploaded_at FROM attachments WHERE id = $1`, id).Scan(&a.ID, &a.ApplicationID, &a.Question,
		&a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Path, &a.UploadedBy, &a.UploadedAt)
	if err != nil {
		return nil, notFound(err, "Fichier introuvable.")
	}
	return &a, nil
}
