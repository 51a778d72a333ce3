package contract

import (
	"fmt"
	"time"
)

// CheckResponseTime is the id of the response-time check: every answer arrives within the budget.
const CheckResponseTime = "response-time"

// responseTime: every answer arrives within the budget.
type responseTime struct{ budget time.Duration }

var _ Check = responseTime{}

// ResponseTime is the response-time check with its budget; a budget of 0
// or less leaves it nothing to judge.
func ResponseTime(budget time.Duration) Check { return responseTime{budget: budget} }

func (responseTime) ID() string { return CheckResponseTime }
func (c responseTime) Traits() Traits {
	return Traits{AnswerAlone: true, Open: true, NoShrink: true, Idle: c.budget <= 0}
}
func (responseTime) Doc() string {
	return "every answer arrives within -max-response-time"
}
func (c responseTime) Applies(j *Judgement) bool {
	return j.answered() && c.budget > 0
}
func (c responseTime) Judge(j *Judgement) []Failure {
	if j.Exchange.Elapsed <= c.budget {
		return nil
	}
	return []Failure{{Row: "budget", Detail: fmt.Sprintf("answered in %v, budget %v", j.Exchange.Elapsed.Round(1e6), c.budget)}}
}
