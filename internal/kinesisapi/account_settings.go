package kinesisapi

// DescribeAccountSettings and UpdateAccountSettings.
//
// Behavior: the account's MinimumThroughputBillingCommitment. It starts
// DISABLED; UpdateAccountSettings with ENABLED makes it ENABLED from now
// (StartedAt, and EarliestAllowedEndAt 24 hours later, as Kinesis's
// commitments last at least a day), and with DISABLED ends it: at once
// when the 24 hours are over, else it stays ENABLED_UNTIL_EARLIEST_ALLOWED_END,
// as Kinesis answers an early end.
//
// Deviations: the setting lives in memory, not in the data directory (it
// changes no behaviour: there is no billing), so a restart forgets it.

import (
	"context"
	"time"
)

type commitmentOutput struct {
	Status               string        `json:"Status"`
	StartedAt            *epochSeconds `json:"StartedAt,omitempty"`
	EndedAt              *epochSeconds `json:"EndedAt,omitempty"`
	EarliestAllowedEndAt *epochSeconds `json:"EarliestAllowedEndAt,omitempty"`
}

type accountSettingsOutput struct {
	MinimumThroughputBillingCommitment commitmentOutput `json:"MinimumThroughputBillingCommitment"`
}

// commitment is the account's billing commitment: zero start means none.
type commitment struct {
	started, ended time.Time
}

const commitmentMinimum = 24 * time.Hour

func (c commitment) output(now time.Time) commitmentOutput {
	ts := func(t time.Time) *epochSeconds {
		e := epochSeconds(t)
		return &e
	}
	switch {
	case c.started.IsZero():
		return commitmentOutput{Status: "DISABLED"}
	case !c.ended.IsZero() && !now.Before(c.ended):
		return commitmentOutput{Status: "DISABLED", StartedAt: ts(c.started), EndedAt: ts(c.ended)}
	case !c.ended.IsZero():
		return commitmentOutput{Status: "ENABLED_UNTIL_EARLIEST_ALLOWED_END", StartedAt: ts(c.started), EarliestAllowedEndAt: ts(c.ended)}
	}
	return commitmentOutput{Status: "ENABLED", StartedAt: ts(c.started), EarliestAllowedEndAt: ts(c.started.Add(commitmentMinimum))}
}

func (a *API) describeAccountSettings(ctx context.Context, body []byte) (any, error) {
	var in struct{}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return accountSettingsOutput{a.mu.commitment.output(a.now())}, nil
}

type updateAccountSettingsInput struct {
	MinimumThroughputBillingCommitment struct {
		Status string `json:"Status"`
	} `json:"MinimumThroughputBillingCommitment"`
}

func (a *API) updateAccountSettings(ctx context.Context, body []byte) (any, error) {
	var in updateAccountSettingsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	c := &a.mu.commitment
	active := !c.started.IsZero() && (c.ended.IsZero() || now.Before(c.ended))
	switch in.MinimumThroughputBillingCommitment.Status {
	case "ENABLED":
		if !active {
			*c = commitment{started: now}
		} else {
			c.ended = time.Time{} // cancels a pending end
		}
	case "DISABLED":
		if active && c.ended.IsZero() {
			c.ended = now
			if earliest := c.started.Add(commitmentMinimum); now.Before(earliest) {
				c.ended = earliest
			}
		}
	}
	return accountSettingsOutput{c.output(now)}, nil
}
