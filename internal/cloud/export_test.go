package cloud

// SetMaxAnswerBytes lowers the size past which an answer is refused, for
// tests of what happens then.
func (c *Client) SetMaxAnswerBytes(n int64) { c.maxAnswer = n }
