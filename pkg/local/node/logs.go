/*
Copyright 2025 The Skiff Authors

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package node

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Container logs are kept as a CRI runtime keeps them, one file per run of a container:
// "<RFC3339Nano time> <stdout|stderr> <F|P> <text>" per line, P marking a line split
// because it was longer than maxLogLine.
const maxLogLine = 16 << 10

// logFile is one run's log.
type logFile struct {
	path string
	f    *os.File
	mu   sync.Mutex
	wg   sync.WaitGroup
	once sync.Once
	done chan struct{} // closed once the run has exited and its output is written
}

// newLogFile creates path and returns the write ends of the stdout and stderr pipes the
// container gets; the caller closes its copies after starting the container.
func newLogFile(path string) (*logFile, *os.File, *os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, nil, nil, err
	}
	l := &logFile{path: path, f: f, done: make(chan struct{})}
	var ends []*os.File
	for _, stream := range []string{"stdout", "stderr"} {
		r, w, err := os.Pipe()
		if err != nil {
			f.Close()
			return nil, nil, nil, err
		}
		ends = append(ends, w)
		l.wg.Add(1)
		go l.copy(r, stream)
	}
	return l, ends[0], ends[1], nil
}

func (l *logFile) copy(r *os.File, stream string) {
	defer l.wg.Done()
	defer r.Close()
	br := bufio.NewReaderSize(r, maxLogLine)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			tag := "F"
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			} else {
				tag = "P" // longer than the buffer, or the last bytes before EOF
				if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
					tag = "F"
				}
			}
			var b bytes.Buffer
			b.Grow(len(line) + 48)
			b.WriteString(time.Now().UTC().Format(time.RFC3339Nano))
			b.WriteString(" " + stream + " " + tag + " ")
			b.Write(line)
			b.WriteByte('\n')
			l.mu.Lock()
			l.f.Write(b.Bytes())
			l.mu.Unlock()
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// finish waits for the container's output to be written and closes the file.
func (l *logFile) finish() {
	l.once.Do(func() {
		l.wg.Wait()
		l.f.Close()
		close(l.done)
	})
}

// logEntry is one parsed line of a log file.
type logEntry struct {
	ts      time.Time
	rawTS   string
	stream  string
	partial bool
	text    string
}

func parseLogLine(s string) (logEntry, bool) {
	ts, rest, ok := strings.Cut(s, " ")
	if !ok {
		return logEntry{}, false
	}
	stream, rest, ok := strings.Cut(rest, " ")
	if !ok {
		return logEntry{}, false
	}
	tag, text, ok := strings.Cut(rest, " ")
	if !ok {
		return logEntry{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return logEntry{}, false
	}
	return logEntry{ts: t, rawTS: ts, stream: stream, partial: tag == "P", text: text}, true
}

// tail returns up to n last lines (at most limit bytes) of the log, for termination
// messages.
func (l *logFile) tail(n, limit int) string {
	b, err := os.ReadFile(l.path)
	if err != nil {
		return ""
	}
	var lines []string
	for _, s := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if e, ok := parseLogLine(s); ok {
			lines = append(lines, e.text)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := strings.Join(lines, "\n")
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}

// logOptions are the kubelet API's query parameters.
type logOptions struct {
	follow     bool
	timestamps bool
	tailLines  int64 // <0: all
	since      time.Time
	limitBytes int64  // <=0: no limit
	stream     string // "" means both
}

// stream writes the log to w as `kubectl logs` expects (the text of each line, with
// its timestamp if asked), following it until the run ends when opts.follow is set.
func (l *logFile) stream(ctx context.Context, w io.Writer, opts logOptions) error {
	f, err := os.Open(l.path)
	if err != nil {
		return err
	}
	defer f.Close()
	flush := func() {
		if fl, ok := w.(interface{ Flush() }); ok {
			fl.Flush()
		}
	}
	written := int64(0)
	emit := func(e logEntry) bool {
		if opts.stream != "" && e.stream != opts.stream {
			return true
		}
		if !opts.since.IsZero() && e.ts.Before(opts.since) {
			return true
		}
		var b strings.Builder
		if opts.timestamps {
			b.WriteString(e.rawTS + " ")
		}
		b.WriteString(e.text)
		if !e.partial {
			b.WriteByte('\n')
		}
		s := b.String()
		if opts.limitBytes > 0 && written+int64(len(s)) > opts.limitBytes {
			s = s[:opts.limitBytes-written]
		}
		n, err := io.WriteString(w, s)
		written += int64(n)
		return err == nil && (opts.limitBytes <= 0 || written < opts.limitBytes)
	}

	r := bufio.NewReader(f)
	if opts.tailLines >= 0 {
		data, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		// An unterminated last line is still being written: it is read again below.
		complete := bytes.LastIndexByte(data, '\n') + 1
		if _, err := f.Seek(int64(complete), io.SeekStart); err != nil {
			return err
		}
		r.Reset(f)
		var all []logEntry
		for _, line := range strings.Split(string(data[:complete]), "\n") {
			if e, ok := parseLogLine(line); ok {
				all = append(all, e)
			}
		}
		// Count whole lines: partial entries belong to the line that follows them.
		start, lines := len(all), int64(0)
		for start > 0 && lines < opts.tailLines {
			start--
			if !all[start].partial {
				lines++
			}
		}
		for start > 0 && all[start-1].partial {
			start--
		}
		if lines < opts.tailLines {
			start = 0
		}
		for _, e := range all[start:] {
			if !emit(e) {
				return nil
			}
		}
	}
	var pending string
	for {
		line, err := r.ReadString('\n')
		pending += line
		if err == nil {
			if e, ok := parseLogLine(strings.TrimSuffix(pending, "\n")); ok {
				if !emit(e) {
					return nil
				}
			}
			pending = ""
			continue
		}
		flush()
		if !opts.follow {
			return nil
		}
		select {
		case <-l.done:
			// Everything is written: drain what is left once more, then stop.
			rest, _ := io.ReadAll(r)
			for _, s := range strings.Split(pending+string(rest), "\n") {
				if e, ok := parseLogLine(s); ok && !emit(e) {
					return nil
				}
			}
			flush()
			return nil
		case <-ctx.Done():
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}
