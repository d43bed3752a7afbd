package input

import (
	"errors"
	"strings"
	"testing"
)

func TestParseInterval(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"1", 1},
		{"300", 300},
		{"0300", 300},
		{"5m", 300},
		{"5M", 300},
		{"1m30s", 90},
		{"1m30", 90}, // OpenSSH: a trailing bare number is seconds
		{"30s", 30},
		{"1h", 3600},
		{"1H5m", 3900},
		{"1d", 86400},
		{"1w", 604800},
		{"1w1d1h1m1s", 604800 + 86400 + 3600 + 60 + 1},
		{"0m5s", 5},
		{"2147483647", 2147483647},
		{"2147483647s", 2147483647},
		{"2147483646s1s", 2147483647},
		{"35791394m7s", 2147483647},
		{"5m5m", 600}, // OpenSSH adds repeated units up
	} {
		got, err := Interval("--interval", tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Interval(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseIntervalRejects(t *testing.T) {
	for _, tt := range []struct{ in, why string }{
		{"", "empty"},
		{"0", "zero"},
		{"0s", "zero"},
		{"0m0s", "zero"},
		{"-1", "negative"},
		{"-5m", "negative"},
		{"+5", "not a number"},
		{" 5", "not a number"},
		{"5 ", "unknown unit ' '"},
		{"abc", "not a number"},
		{"5x", "unknown unit 'x'"},
		{"5ms", "not a number"}, // "5m" then "s" without a number
		{"1.5m", "unknown unit '.'"},
		{"m", "not a number"},
		{"5\n", `unknown unit \x0a`},
		{"2147483648", "too large"},
		{"2147483648s", "too large"},
		{"99999999999999999999999", "too large"},
		{"35791395m", "too large"},
		{"2147483647s1s", "too large"},
		{"3551w", "too large"},
	} {
		got, err := Interval("interval", tt.in)
		if err == nil {
			t.Errorf("Interval(%q) = %d, want an error", tt.in, got)
			continue
		}
		var ie *Error
		if !errors.As(err, &ie) {
			t.Errorf("Interval(%q): %T, want an *input.Error (exit 2)", tt.in, err)
		}
		msg := err.Error()
		for _, want := range []string{"--interval", "1s to 2147483647s", tt.why} {
			if !strings.Contains(msg, want) {
				t.Errorf("Interval(%q) error %q does not mention %q", tt.in, msg, want)
			}
		}
	}
}

func TestParseIntervalFlagName(t *testing.T) {
	for _, flag := range []string{"interval", "--interval"} {
		_, err := Interval(flag, "x")
		if err == nil || !strings.HasPrefix(err.Error(), "invalid --interval ") {
			t.Errorf("Interval(%q, x) = %v, want it to name --interval", flag, err)
		}
	}
}
