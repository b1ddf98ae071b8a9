// Package jury holds the pure rules of the jury: conflict suggestions,
// assignment, aggregation, majority judgment and the deliberation agenda.
package jury
