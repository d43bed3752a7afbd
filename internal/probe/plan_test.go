package probe

import (
	"slices"
	"testing"
	"time"
)

func TestPlan(t *testing.T) {
	s := time.Second
	m := time.Minute
	tests := []struct {
		limit time.Duration
		want  []time.Duration
	}{
		{5 * s, []time.Duration{2 * s, 3 * s, 4 * s, 5 * s}},
		{1 * s, []time.Duration{2 * s, 3 * s, 4 * s, 5 * s}},        // clamped up to MinMax
		{8 * s, []time.Duration{2 * s, 3 * s, 4 * s, 5 * s, 8 * s}}, // 7s is within 15% of 8s
		{20 * s, []time.Duration{2 * s, 3 * s, 4 * s, 5 * s, 7 * s, 10 * s, 15 * s, 20 * s}},
		{11 * s, []time.Duration{2 * s, 3 * s, 4 * s, 5 * s, 7 * s, 11 * s}}, // 10s is within 15% of 11s
		{12500 * time.Millisecond, []time.Duration{2 * s, 3 * s, 4 * s, 5 * s, 7 * s, 10 * s, 12 * s}},
		{10 * m, []time.Duration{2 * s, 3 * s, 4 * s, 5 * s, 7 * s, 10 * s, 15 * s, 20 * s, 30 * s, 45 * s,
			m, 90 * s, 2 * m, 3 * m, 4 * m, 5 * m, 7 * m, 10 * m}},
	}
	for _, tt := range tests {
		if got := Plan(tt.limit); !slices.Equal(got, tt.want) {
			t.Errorf("Plan(%v) = %v, want %v", tt.limit, got, tt.want)
		}
	}
}

// TestPlanProperties checks what the rest of the probe relies on, for every
// limit a user may pass: steps are whole seconds, start at 2 s, grow by at
// most 1.5 (a little more for the last) and end at the limit.
func TestPlanProperties(t *testing.T) {
	for limit := MinMax; limit <= MaxMax; limit += 7 * time.Second {
		steps := Plan(limit)
		if steps[0] != 2*time.Second {
			t.Fatalf("Plan(%v) starts at %v", limit, steps[0])
		}
		if last := steps[len(steps)-1]; last != limit.Truncate(time.Second) {
			t.Fatalf("Plan(%v) ends at %v", limit, last)
		}
		for i, s := range steps {
			if s%time.Second != 0 {
				t.Fatalf("Plan(%v): step %v is not whole seconds", limit, s)
			}
			if i == 0 {
				continue
			}
			prev := steps[i-1]
			grows := s > prev && 2*s <= 3*prev
			if i == len(steps)-1 {
				// The ladder step skipped for being within 15% of the
				// limit grew by at most 1.5, so the limit by at most
				// 1.5/0.85.
				grows = s > prev && 85*s <= 150*prev
			}
			if !grows {
				t.Fatalf("Plan(%v): step %v after %v", limit, s, prev)
			}
		}
		if len(steps) > 30 {
			t.Fatalf("Plan(%v) holds %d sessions", limit, len(steps))
		}
	}
}

func TestRecommend(t *testing.T) {
	tests := []struct {
		survived time.Duration
		want     int
	}{
		{0, 1},
		{2 * time.Second, 1},
		{3 * time.Second, 1},
		{5 * time.Second, 2},
		{4 * time.Minute, 120},
		{10 * time.Minute, MaxRecommended},
		{time.Hour, MaxRecommended},
	}
	for _, tt := range tests {
		if got := Recommend(tt.survived); got != tt.want {
			t.Errorf("Recommend(%v) = %d, want %d", tt.survived, got, tt.want)
		}
	}
}
