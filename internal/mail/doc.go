// Package mail turns outbox rows into delivered email. Requests never talk
// to a mail server: they render a mail with Templates and queue it in the
// store, in the same transaction as the action that causes it; a Worker then
// claims due mails, hands them to a Sender (SMTP, or the log when no server
// is configured) and records the outcome, retrying with backoff.
package mail
