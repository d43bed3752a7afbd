package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

func puttyWarnings(r *Report) {
	var off []string
	for _, s := range r.Putty {
		if s.Minutes > 0 && s.Value != s.Minutes*60 {
			r.Add(Info, SectionPutty, s.Source, "PuTTY session %q: the legacy PingInterval=%d (minutes) adds %d s to PingIntervalSecs, giving %d s",
				s.Session, s.Minutes, s.Minutes*60, s.Value)
		}
		switch {
		case s.Value == 0:
			off = append(off, strconv.Quote(s.Session))
		case s.Value > AzureLBIdle:
			r.Add(Warning, SectionPutty, s.Source, "PuTTY session %q sends keep-alives every %d s, longer than the %d s idle timeout of Azure load balancers (and of some NATs)",
				s.Session, s.Value, AzureLBIdle)
		}
	}
	if len(off) > 0 {
		r.Add(Warning, SectionPutty, "", "keep-alives are off in PuTTY session(s) %s; `keepalive putty` turns them on", strings.Join(off, ", "))
	}
}

// Sort orders the warnings by section (client, server, PuTTY), then by
// level (errors first), keeping the order in which they were found
// otherwise.
func (r *Report) Sort() {
	sec := map[Section]int{SectionClient: 0, SectionServer: 1, SectionPutty: 2}
	sort.SliceStable(r.Warnings, func(i, j int) bool {
		a, b := r.Warnings[i], r.Warnings[j]
		if sec[a.Section] != sec[b.Section] {
			return sec[a.Section] < sec[b.Section]
		}
		return rank(a.Level) > rank(b.Level)
	})
}

// JSON writes the report as indented JSON:
//
//	{"client": {"host": H, "ServerAliveInterval": {"value": 300, "source": "/root/.ssh/config:4"}, ...},
//	 "server": {"ClientAliveInterval": {...}, ...} or null,
//	 "putty": [{"session": ..., "value": ..., "source": ...}],
//	 "warnings": [{"level": ..., "section": ..., "source": ..., "message": ...}]}
func (r *Report) JSON(w io.Writer) error {
	r.Sort()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Style is how Text decorates its output.
type Style struct {
	Color bool // ANSI colours
}

func (st Style) paint(code, s string) string {
	if !st.Color || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// row is one line of a section's table.
type row struct {
	name, value, source string
	valueColor          string
}

// Text writes the report as aligned tables, one per section, then the
// warnings.
func (r *Report) Text(w io.Writer, st Style) error {
	r.Sort()
	// Sized once: show --all at 100,000 hosts writes a third of a megabyte
	// of warnings, and a builder grown by appending leaves five times that
	// behind (nothing is collected before a run's heap reaches 64 MiB).
	size := 1024
	for _, wn := range r.Warnings {
		size += len(wn.Source) + len(wn.Message) + 32
	}
	var b strings.Builder
	b.Grow(size)
	if c := r.Client; c != nil {
		title := "client (ssh) for host " + c.Host
		if c.Probe {
			title = "client (ssh), general values (no --host: host " + c.Host + " matches only general blocks)"
		}
		if c.Rejected != "" {
			title += ": ssh rejects this config, these values are not in effect"
		}
		section(&b, st, title, []row{
			valueRow("ServerAliveInterval", c.ServerAliveInterval, true),
			valueRow("ServerAliveCountMax", c.ServerAliveCountMax, false),
			valueRow("TCPKeepAlive", c.TCPKeepAlive, false),
		})
	}
	switch {
	case r.Server != nil:
		s := r.Server
		title := "server (sshd), global values"
		if s.Connection != "" {
			title = "server (sshd) for connection " + s.Connection
		}
		if s.Rejected != "" {
			title += ": sshd rejects this config, these values are not in effect"
		}
		section(&b, st, title, []row{
			valueRow("ClientAliveInterval", s.ClientAliveInterval, true),
			valueRow("ClientAliveCountMax", s.ClientAliveCountMax, false),
			valueRow("TCPKeepAlive", s.TCPKeepAlive, false),
		})
	case r.ServerSkipped:
	case r.ServerMissing != "":
		fmt.Fprintf(&b, "%s\n  not installed or unreadable: %s\n\n", st.paint("1", "server (sshd)"), r.ServerMissing)
	}
	var prows []row
	for _, s := range r.Putty {
		value := strconv.Itoa(s.Value) + " s"
		color := ""
		if s.Value == 0 {
			value, color = "off", "31"
		}
		prows = append(prows, row{name: s.Session, value: value, source: s.Source, valueColor: color})
	}
	switch {
	case len(prows) > 0:
		section(&b, st, "PuTTY sessions", prows)
	case r.PuttyNote != "":
		fmt.Fprintf(&b, "%s\n  %s\n\n", st.paint("1", "PuTTY sessions"), r.PuttyNote)
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(&b, "%s\n", st.paint("1", "warnings"))
		for _, wn := range r.Warnings {
			label := string(wn.Level)
			label = st.paint(map[Level]string{Error: "1;31", Warning: "33", Info: "36"}[wn.Level], label)
			fmt.Fprintf(&b, "  %s: ", label)
			if wn.Source != "" {
				fmt.Fprintf(&b, "%s: ", wn.Source)
			}
			fmt.Fprintf(&b, "%s\n", wn.Message)
		}
	}
	// The text ends as it always has: the last section's blank line is
	// dropped, the warnings get one (written apart, not copied to add it).
	if _, err := io.WriteString(w, strings.TrimSuffix(b.String(), "\n\n")); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func valueRow(name string, v Value, interval bool) row {
	rw := row{name: name, value: v.String(), source: v.Source}
	if v.Block != "" {
		rw.source += " (in " + v.Block + ")"
	}
	if n, ok := v.Int(); interval && ok {
		if n == 0 {
			rw.value, rw.valueColor = "0 (off)", "31"
		} else {
			rw.value += " s"
		}
	}
	if v.bad {
		rw.value, rw.valueColor = strconv.Quote(v.String())+" (invalid)", "1;31"
	}
	return rw
}

// section writes a title and rows aligned in columns. Padding is computed
// on the plain text so that colour codes do not break the alignment.
func section(b *strings.Builder, st Style, title string, rows []row) {
	fmt.Fprintf(b, "%s\n", st.paint("1", title))
	nw, vw := 0, 0
	for _, rw := range rows {
		nw = max(nw, utf8.RuneCountInString(rw.name))
		vw = max(vw, utf8.RuneCountInString(rw.value))
	}
	for _, rw := range rows {
		src := rw.source
		if src == SourceDefault {
			src = st.paint("2", src)
		}
		fmt.Fprintf(b, "  %s  %s  %s\n",
			pad(rw.name, nw),
			st.paint(rw.valueColor, pad(rw.value, vw)),
			src)
	}
	b.WriteString("\n")
}

func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
}
