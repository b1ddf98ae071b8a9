package store

// SetSubmitHook lets tests inject a failure between the steps of a
// submission.
func SetSubmitHook(fn func(step string) error) { testHookSubmit = fn }
