/*
Copyright 2026 The Skiff Authors

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

// Package eventlog is the imc-dispatcher's durable event log. Every event a
// channel accepts is appended (with the keys of the subscribers it must
// reach) and fsynced before the channel answers 202; each subscriber's
// final outcome (delivered or dead-lettered) is appended as a completion.
// On start the log returns what is incomplete so the dispatcher can
// deliver it again; segments whose events are all complete are deleted.
//
// Group commit: one writer goroutine commits every append queued since the
// previous fsync with a single write and fsync, and under load holds appends
// until SyncInterval (default 2 ms, at most 5 ms) has passed since the
// previous fsync: at most one fsync per interval however many events
// arrive, while an append after a quiet period costs one fsync of latency. Completions are written without waiting for an fsync: losing one
// in a crash only causes a duplicate delivery (the guarantee is
// at-least-once), never a lost event.
//
// Record framing: [len uint32][crc32c uint32][payload]; a torn or corrupt
// record ends the reading of its segment (it was never acknowledged).
package eventlog

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

const (
	recEvent      byte = 1
	recComplete   byte = 2
	recCheckpoint byte = 3

	segmentSuffix = ".seg"
	headerLen     = 8

	// DefaultSegmentBytes is the size after which a new segment is started.
	DefaultSegmentBytes = 64 << 20
	// DefaultMaxBatchBytes bounds one group commit's write.
	DefaultMaxBatchBytes = 4 << 20
	// DefaultSyncInterval is the shortest time between two fsyncs under
	// load (see Options.SyncInterval).
	DefaultSyncInterval = 2 * time.Millisecond
	// MaxSyncInterval bounds Options.SyncInterval: no append is held back
	// longer than this for company.
	MaxSyncInterval = 5 * time.Millisecond
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("event log is closed")

// Syncer makes a file's written data durable. Tests inject one to count
// fsyncs.
type Syncer interface {
	Sync(f *os.File) error
}

// SyncerFunc adapts a function to Syncer.
type SyncerFunc func(f *os.File) error

// Sync calls fn(f).
func (fn SyncerFunc) Sync(f *os.File) error { return fn(f) }

// FileSyncer fsyncs the file.
var FileSyncer Syncer = SyncerFunc(func(f *os.File) error { return f.Sync() })

// Options configures a Log.
type Options struct {
	// Dir holds the segments; it is created if missing.
	Dir string
	// Syncer defaults to FileSyncer.
	Syncer Syncer
	// SyncInterval is the shortest time between the starts of two fsyncs
	// (default DefaultSyncInterval, at most MaxSyncInterval, negative for
	// none). Appends that arrive sooner after the previous fsync wait for
	// the interval to pass, so under load one fsync covers every append of
	// an interval; an append after a quiet period is committed at once.
	// With no interval, whatever queued during the previous fsync forms the
	// next batch, which at moderate load means many small fsyncs.
	SyncInterval time.Duration
	// MaxBatchBytes bounds one commit (default DefaultMaxBatchBytes).
	MaxBatchBytes int
	// SegmentBytes is the rotation size (default DefaultSegmentBytes).
	SegmentBytes int64
	// Logger defaults to a no-op logger.
	Logger *zap.Logger
}

// Entry is one accepted event and the subscribers it must reach.
type Entry struct {
	// Seq identifies the entry; Append assigns it.
	Seq uint64
	// Channel is the key of the channel the event was accepted on.
	Channel string
	// Subscribers are the subscription keys at acceptance time; Complete
	// refers to them by index.
	Subscribers []string
	// Header holds the pass-through headers to forward with the event.
	Header http.Header
	// Event is the event, encoded (structured JSON).
	Event []byte
	// Done reports, for entries returned by Open, which subscribers had
	// already finished before the restart.
	Done []bool
}

// Stats are counters for tests and metrics.
type Stats struct {
	Appends         uint64
	Completions     uint64
	Commits         uint64
	Syncs           uint64
	SegmentsRemoved uint64
	Live            int64
}

type request struct {
	kind byte
	// appends (kind recEvent)
	recs []appendRec
	size int
	done chan error
	// completion (kind recComplete)
	seq uint64
	sub int
}

type appendRec struct {
	seq   uint64
	nsubs int
	data  []byte
}

type entryState struct {
	seg       uint64
	remaining int
	done      []bool
}

type segment struct {
	id          uint64
	path        string
	outstanding int
	sealed      bool
}

// Log is an open event log. Append, Complete and Close are safe for
// concurrent use.
type Log struct {
	opts   Options
	logger *zap.Logger

	mu     sync.RWMutex // guards closed against sends on reqs
	closed bool
	reqs   chan *request
	done   chan struct{}

	nextSeq atomic.Uint64
	failed  atomic.Pointer[error]

	// Owned by the writer goroutine after Open.
	entries  map[uint64]*entryState
	segments map[uint64]*segment
	active   *segment
	file     *os.File
	size     int64
	buf      []byte
	lastSync time.Time

	appends, completions, commits, syncs, removed atomic.Uint64
	live                                          atomic.Int64
}

// Open opens (or creates) the log in opts.Dir and returns the entries that
// still have subscribers to reach, in acceptance order.
func Open(opts Options) (*Log, []Entry, error) {
	if opts.Dir == "" {
		return nil, nil, errors.New("eventlog: Dir is required")
	}
	if opts.Syncer == nil {
		opts.Syncer = FileSyncer
	}
	if opts.MaxBatchBytes <= 0 {
		opts.MaxBatchBytes = DefaultMaxBatchBytes
	}
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = DefaultSegmentBytes
	}
	switch {
	case opts.SyncInterval == 0:
		opts.SyncInterval = DefaultSyncInterval
	case opts.SyncInterval < 0:
		opts.SyncInterval = 0
	case opts.SyncInterval > MaxSyncInterval:
		opts.SyncInterval = MaxSyncInterval
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("eventlog: creating %s: %w", opts.Dir, err)
	}
	l := &Log{
		opts:     opts,
		logger:   opts.Logger,
		reqs:     make(chan *request, 8192),
		done:     make(chan struct{}),
		entries:  make(map[uint64]*entryState),
		segments: make(map[uint64]*segment),
	}
	pending, maxSeq, maxSeg, err := l.recover()
	if err != nil {
		return nil, nil, err
	}
	// Sequence numbers never repeat across restarts, even when every
	// segment that mentioned the old ones is gone.
	next := maxSeq + 1
	if now := uint64(time.Now().UnixNano()); now > next {
		next = now
	}
	l.nextSeq.Store(next)

	if err := l.startSegment(maxSeg + 1); err != nil {
		return nil, nil, err
	}
	if err := l.sync(); err != nil {
		return nil, nil, err
	}
	for _, s := range l.segments {
		if s != l.active && s.outstanding == 0 {
			l.removeSegment(s)
		}
	}
	l.live.Store(int64(len(l.entries)))
	go l.run()
	return l, pending, nil
}

// Append writes e durably and assigns e.Seq. It returns once the entry is
// fsynced (or the write failed); the caller may then acknowledge the event.
func (l *Log) Append(ctx context.Context, e *Entry) (uint64, error) {
	if err := l.AppendAll(ctx, []*Entry{e}); err != nil {
		return 0, err
	}
	return e.Seq, nil
}

// AppendAll writes entries durably, in one commit, and assigns their Seq.
func (l *Log) AppendAll(_ context.Context, entries []*Entry) error {
	if errp := l.failed.Load(); errp != nil {
		return *errp
	}
	r := &request{kind: recEvent, recs: make([]appendRec, len(entries)), done: make(chan error, 1)}
	for i, e := range entries {
		if len(e.Subscribers) == 0 {
			return errors.New("eventlog: an entry needs at least one subscriber")
		}
		e.Seq = l.nextSeq.Add(1) - 1
		data := encodeEntry(e)
		r.recs[i] = appendRec{seq: e.Seq, nsubs: len(e.Subscribers), data: data}
		r.size += len(data)
	}
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return ErrClosed
	}
	l.reqs <- r
	l.mu.RUnlock()
	// Wait even if the caller's context ends: once queued the entries may
	// be on disk, and an entry we do not dispatch now would only come back
	// on the next start.
	return <-r.done
}

// Complete records that subscriber index sub of entry seq reached a final
// outcome. It does not wait for the disk.
func (l *Log) Complete(seq uint64, sub int) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return
	}
	l.reqs <- &request{kind: recComplete, seq: seq, sub: sub}
}

// Close writes what is queued, fsyncs and closes the log. Entries not
// completed stay in the log for the next Open.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		<-l.done
		return nil
	}
	l.closed = true
	close(l.reqs)
	l.mu.Unlock()
	<-l.done
	if errp := l.failed.Load(); errp != nil && !errors.Is(*errp, ErrClosed) {
		return *errp
	}
	return nil
}

// Stats returns the counters.
func (l *Log) Stats() Stats {
	return Stats{
		Appends:         l.appends.Load(),
		Completions:     l.completions.Load(),
		Commits:         l.commits.Load(),
		Syncs:           l.syncs.Load(),
		SegmentsRemoved: l.removed.Load(),
		Live:            l.live.Load(),
	}
}

// Segments lists the segment files currently on disk (for tests and ops).
func (l *Log) Segments() ([]string, error) {
	ids, err := listSegments(l.opts.Dir)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = segmentName(id)
	}
	return out, nil
}

func (l *Log) run() {
	defer close(l.done)
	batch := make([]*request, 0, 1024)
	var timer *time.Timer
	for {
		first, ok := <-l.reqs
		if !ok {
			l.shutdown()
			return
		}
		batch = append(batch[:0], first)
		bytes := first.size
		closed := false
	drain:
		for bytes < l.opts.MaxBatchBytes {
			select {
			case r, ok := <-l.reqs:
				if !ok {
					closed = true
					break drain
				}
				batch = append(batch, r)
				bytes += r.size
			default:
				break drain
			}
		}
		wait := l.opts.SyncInterval - time.Since(l.lastSync)
		if wait > 0 && !closed && hasAppend(batch) {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
		linger:
			for bytes < l.opts.MaxBatchBytes {
				select {
				case r, ok := <-l.reqs:
					if !ok {
						closed = true
						break linger
					}
					batch = append(batch, r)
					bytes += r.size
				case <-timer.C:
					break linger
				}
			}
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		}
		l.commit(batch)
		for i := range batch {
			batch[i] = nil
		}
		if closed {
			l.shutdown()
			return
		}
	}
}

func hasAppend(batch []*request) bool {
	for _, r := range batch {
		if r.kind == recEvent {
			return true
		}
	}
	return false
}

// commit writes a batch, fsyncs when it holds appends (or when segments
// wait to be removed) and acknowledges the appends.
func (l *Log) commit(batch []*request) {
	var err error
	if errp := l.failed.Load(); errp != nil {
		err = *errp
	}
	l.buf = l.buf[:0]
	appends := 0
	var removable []*segment
	if err == nil {
		for _, r := range batch {
			switch r.kind {
			case recEvent:
				for _, rec := range r.recs {
					appends++
					l.buf = appendFrame(l.buf, rec.data)
					l.entries[rec.seq] = &entryState{seg: l.active.id, remaining: rec.nsubs, done: make([]bool, rec.nsubs)}
					l.active.outstanding++
				}
			case recComplete:
				e := l.entries[r.seq]
				if e == nil || r.sub < 0 || r.sub >= len(e.done) || e.done[r.sub] {
					continue
				}
				e.done[r.sub] = true
				e.remaining--
				l.completions.Add(1)
				l.buf = appendFrame(l.buf, encodeComplete(r.seq, r.sub))
				if e.remaining == 0 {
					delete(l.entries, r.seq)
					if s := l.segments[e.seg]; s != nil {
						s.outstanding--
						if s.sealed && s.outstanding == 0 {
							removable = append(removable, s)
						}
					}
				}
			}
		}
		if len(l.buf) > 0 {
			if _, werr := l.file.Write(l.buf); werr != nil {
				err = fmt.Errorf("eventlog: writing %s: %w", l.active.path, werr)
			}
			l.size += int64(len(l.buf))
		}
		if err == nil && (appends > 0 || len(removable) > 0) {
			err = l.sync()
		}
		if err != nil {
			l.fail(err)
		}
	}
	l.commits.Add(1)
	l.appends.Add(uint64(appends))
	l.live.Store(int64(len(l.entries)))
	for _, r := range batch {
		if r.kind == recEvent {
			r.done <- err
		}
	}
	if err != nil {
		return
	}
	for _, s := range removable {
		l.removeSegment(s)
	}
	if l.size >= l.opts.SegmentBytes {
		if rerr := l.rotate(); rerr != nil {
			l.fail(rerr)
		}
	}
}

func (l *Log) fail(err error) {
	l.logger.Error("Event log failed; refusing new events", zap.Error(err))
	l.failed.CompareAndSwap(nil, &err)
}

func (l *Log) sync() error {
	l.syncs.Add(1)
	l.lastSync = time.Now()
	if err := l.opts.Syncer.Sync(l.file); err != nil {
		return fmt.Errorf("eventlog: syncing %s: %w", l.active.path, err)
	}
	return nil
}

// rotate seals the active segment and starts the next one, carrying the
// partial completions forward so sealed segments can be removed without
// forgetting which subscribers of a live entry are already done.
func (l *Log) rotate() error {
	old := l.active
	if err := l.startSegment(old.id + 1); err != nil {
		return err
	}
	if err := l.sync(); err != nil {
		return err
	}
	if old.outstanding == 0 {
		l.removeSegment(old)
	}
	return nil
}

// startSegment creates segment id, makes it active and writes checkpoints
// of every live entry with some subscribers already done.
func (l *Log) startSegment(id uint64) error {
	path := filepath.Join(l.opts.Dir, segmentName(id))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("eventlog: creating segment: %w", err)
	}
	if l.active != nil {
		// Everything of the old segment that must be durable was synced
		// by the commit that filled it; what follows goes to the new one.
		l.active.sealed = true
		if err := l.file.Close(); err != nil {
			l.logger.Warn("Closing sealed segment", zap.String("path", l.active.path), zap.Error(err))
		}
	}
	s := &segment{id: id, path: path}
	l.segments[id] = s
	l.active, l.file, l.size = s, f, 0

	buf := l.buf[:0]
	for seq, e := range l.entries {
		if e.remaining < len(e.done) {
			buf = appendFrame(buf, encodeCheckpoint(seq, e.done))
		}
	}
	l.buf = buf
	if len(buf) > 0 {
		if _, err := f.Write(buf); err != nil {
			return fmt.Errorf("eventlog: writing checkpoint: %w", err)
		}
		l.size += int64(len(buf))
	}
	// Make the new file's directory entry durable too.
	if d, err := os.Open(l.opts.Dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

func (l *Log) removeSegment(s *segment) {
	if err := os.Remove(s.path); err != nil && !os.IsNotExist(err) {
		l.logger.Warn("Removing finished segment", zap.String("path", s.path), zap.Error(err))
		return
	}
	delete(l.segments, s.id)
	l.removed.Add(1)
}

func (l *Log) shutdown() {
	if l.file == nil {
		return
	}
	if err := l.sync(); err != nil {
		l.logger.Warn("Final sync of the event log failed", zap.Error(err))
	}
	_ = l.file.Close()
	l.failed.CompareAndSwap(nil, &ErrClosed)
}

// recover reads every segment, rebuilding the live entries and segment
// accounting, and returns the pending entries.
func (l *Log) recover() ([]Entry, uint64, uint64, error) {
	ids, err := listSegments(l.opts.Dir)
	if err != nil {
		return nil, 0, 0, err
	}
	var maxSeq, maxSeg uint64
	full := map[uint64]*Entry{}
	for _, id := range ids {
		if id > maxSeg {
			maxSeg = id
		}
		path := filepath.Join(l.opts.Dir, segmentName(id))
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("eventlog: reading %s: %w", path, err)
		}
		seg := &segment{id: id, path: path, sealed: true}
		l.segments[id] = seg
		for off := 0; off < len(data); {
			payload, n, ok := readFrame(data[off:])
			if !ok {
				l.logger.Warn("Ignoring torn or corrupt tail of segment",
					zap.String("path", path), zap.Int("offset", off), zap.Int("size", len(data)))
				break
			}
			off += n
			seq, err := l.replayRecord(payload, seg, full)
			if err != nil {
				l.logger.Warn("Skipping undecodable record", zap.String("path", path), zap.Error(err))
				continue
			}
			if seq > maxSeq {
				maxSeq = seq
			}
		}
	}
	pending := make([]Entry, 0, len(l.entries))
	for seq, st := range l.entries {
		e := full[seq]
		e.Done = append([]bool(nil), st.done...)
		pending = append(pending, *e)
	}
	sort.Slice(pending, func(i, j int) bool { return pending[i].Seq < pending[j].Seq })
	return pending, maxSeq, maxSeg, nil
}

func (l *Log) replayRecord(p []byte, seg *segment, full map[uint64]*Entry) (uint64, error) {
	if len(p) == 0 {
		return 0, errors.New("empty record")
	}
	switch p[0] {
	case recEvent:
		e, err := decodeEntry(p)
		if err != nil {
			return 0, err
		}
		if _, dup := l.entries[e.Seq]; !dup {
			l.entries[e.Seq] = &entryState{seg: seg.id, remaining: len(e.Subscribers), done: make([]bool, len(e.Subscribers))}
			full[e.Seq] = e
			seg.outstanding++
		}
		return e.Seq, nil
	case recComplete:
		seq, sub, err := decodeComplete(p)
		if err != nil {
			return 0, err
		}
		l.markDone(seq, sub, full)
		return seq, nil
	case recCheckpoint:
		seq, done, err := decodeCheckpoint(p)
		if err != nil {
			return 0, err
		}
		for _, sub := range done {
			l.markDone(seq, sub, full)
		}
		return seq, nil
	}
	return 0, fmt.Errorf("unknown record type %d", p[0])
}

func (l *Log) markDone(seq uint64, sub int, full map[uint64]*Entry) {
	e := l.entries[seq]
	if e == nil || sub < 0 || sub >= len(e.done) || e.done[sub] {
		return
	}
	e.done[sub] = true
	e.remaining--
	if e.remaining == 0 {
		delete(l.entries, seq)
		delete(full, seq)
		if s := l.segments[e.seg]; s != nil {
			s.outstanding--
		}
	}
}

func segmentName(id uint64) string {
	return fmt.Sprintf("%020d%s", id, segmentSuffix)
}

func listSegments(dir string) ([]uint64, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eventlog: listing %s: %w", dir, err)
	}
	var ids []uint64
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || !strings.HasSuffix(name, segmentSuffix) {
			continue
		}
		id, err := strconv.ParseUint(strings.TrimSuffix(name, segmentSuffix), 10, 64)
		if err != nil {
			continue
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

// --- encoding ---

func appendFrame(dst, payload []byte) []byte {
	var hdr [headerLen]byte
	binary.LittleEndian.PutUint32(hdr[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(hdr[4:8], crc32.Checksum(payload, crcTable))
	dst = append(dst, hdr[:]...)
	return append(dst, payload...)
}

func readFrame(b []byte) ([]byte, int, bool) {
	if len(b) < headerLen {
		return nil, 0, false
	}
	n := int(binary.LittleEndian.Uint32(b[0:4]))
	if n <= 0 || len(b) < headerLen+n {
		return nil, 0, false
	}
	payload := b[headerLen : headerLen+n]
	if crc32.Checksum(payload, crcTable) != binary.LittleEndian.Uint32(b[4:8]) {
		return nil, 0, false
	}
	return payload, headerLen + n, true
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func encodeEntry(e *Entry) []byte {
	size := 32 + len(e.Channel) + len(e.Event)
	for _, s := range e.Subscribers {
		size += len(s) + 2
	}
	b := make([]byte, 0, size)
	b = append(b, recEvent)
	b = binary.AppendUvarint(b, e.Seq)
	b = appendString(b, e.Channel)
	b = binary.AppendUvarint(b, uint64(len(e.Subscribers)))
	for _, s := range e.Subscribers {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(e.Header)))
	for k, vs := range e.Header {
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			b = appendString(b, v)
		}
	}
	return append(b, e.Event...)
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("bad varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) string() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if uint64(len(r.b)) < n {
		r.err = errors.New("short string")
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// count reads a length and rejects ones the remaining bytes cannot hold,
// so a corrupt length never allocates much.
func (r *reader) count() int {
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)) {
		r.err = errors.New("bad count")
	}
	return int(n)
}

func decodeEntry(p []byte) (*Entry, error) {
	r := &reader{b: p[1:]}
	e := &Entry{}
	e.Seq = r.uvarint()
	e.Channel = r.string()
	n := r.count()
	for i := 0; i < n && r.err == nil; i++ {
		e.Subscribers = append(e.Subscribers, r.string())
	}
	nh := r.count()
	if nh > 0 {
		e.Header = make(http.Header, nh)
	}
	for i := 0; i < nh && r.err == nil; i++ {
		k := r.string()
		nv := r.count()
		for j := 0; j < nv && r.err == nil; j++ {
			e.Header[k] = append(e.Header[k], r.string())
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(e.Subscribers) == 0 {
		return nil, errors.New("entry without subscribers")
	}
	e.Event = append([]byte(nil), r.b...)
	return e, nil
}

func encodeComplete(seq uint64, sub int) []byte {
	b := make([]byte, 0, 16)
	b = append(b, recComplete)
	b = binary.AppendUvarint(b, seq)
	return binary.AppendUvarint(b, uint64(sub))
}

func decodeComplete(p []byte) (uint64, int, error) {
	r := &reader{b: p[1:]}
	seq := r.uvarint()
	sub := r.uvarint()
	return seq, int(sub), r.err
}

func encodeCheckpoint(seq uint64, done []bool) []byte {
	b := []byte{recCheckpoint}
	b = binary.AppendUvarint(b, seq)
	n := 0
	for _, d := range done {
		if d {
			n++
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	for i, d := range done {
		if d {
			b = binary.AppendUvarint(b, uint64(i))
		}
	}
	return b
}

func decodeCheckpoint(p []byte) (uint64, []int, error) {
	r := &reader{b: p[1:]}
	seq := r.uvarint()
	n := r.count()
	done := make([]int, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		done = append(done, int(r.uvarint()))
	}
	return seq, done, r.err
}
