// Package probe measures how long the network path to an SSH server keeps an
// idle connection: it holds several idle ssh sessions of growing length at
// once, with keep-alives forced off, and sees which of them come back.
package probe

import "time"

// ladder holds the idle lengths a probe may try. The steps grow by at most
// 1.5 so the bounds found are within a factor of 1.5 of each other, and they
// are round numbers so a report reads "between 3m and 4m", not "between
// 173s and 259s".
var ladder = []time.Duration{
	2 * time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second, 7 * time.Second,
	10 * time.Second, 15 * time.Second, 20 * time.Second, 30 * time.Second,
	45 * time.Second, time.Minute, 90 * time.Second, 2 * time.Minute,
	3 * time.Minute, 4 * time.Minute, 5 * time.Minute, 7 * time.Minute,
	10 * time.Minute, 15 * time.Minute, 20 * time.Minute, 30 * time.Minute,
	45 * time.Minute, time.Hour, 90 * time.Minute, 2 * time.Hour,
	3 * time.Hour, 4 * time.Hour,
}

// MinMax and MaxMax bound --max: below a few seconds there is nothing to
// measure that a keep-alive could fix, and above the ladder's top a probe
// would hold sessions for the better part of a day.
const (
	MinMax = 5 * time.Second
	MaxMax = 4 * time.Hour
)

// DefaultMax is --max when it is not given: longer than the idle timeouts
// of the usual suspects (load balancers, NAT gateways, mobile carriers).
const DefaultMax = 10 * time.Minute

// Plan returns the idle lengths to try for a probe that lasts about limit
// (--max): every ladder step below limit, then limit itself, so the longest
// session decides "at least limit". A ladder step within 15% of limit is
// left out because it would tell almost nothing that limit does not. limit
// is clamped to [MinMax, MaxMax] and rounded down to whole seconds, since
// the remote side sleeps in whole seconds.
func Plan(limit time.Duration) []time.Duration {
	limit = min(max(limit, MinMax), MaxMax).Truncate(time.Second)
	var steps []time.Duration
	for _, s := range ladder {
		if s*100 >= limit*85 {
			break
		}
		steps = append(steps, s)
	}
	return append(steps, limit)
}

// Grace is how long after an idle session's reply is due the probe still
// waits for it before calling the session dropped: a couple of seconds for
// round trips and a busy server, plus 5% for slow clocks on long steps.
func Grace(idle time.Duration) time.Duration {
	return 2*time.Second + idle/20
}

// MaxRecommended caps the recommended interval: a keep-alive every five
// minutes costs nothing, and a path that kept an hour today may sit behind
// a stricter NAT tomorrow.
const MaxRecommended = 300

// Recommend returns the keep-alive interval in whole seconds for a path that
// kept an idle connection for survived: half of it, so that one lost
// keep-alive or a late timer still leaves a margin, at least 1 s and at most
// MaxRecommended. survived 0 (nothing came back) gives 1 s, the smallest
// interval OpenSSH accepts.
func Recommend(survived time.Duration) int {
	n := int(survived / time.Second / 2)
	return min(max(n, 1), MaxRecommended)
}
