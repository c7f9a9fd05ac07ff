package raftlog

// request is one write call waiting for the writer: its records, already
// encoded by the caller, and what the writer needs to validate and index
// them.
type request struct {
	kind        recordKind
	group       uint64
	first, last uint64   // entries [first, last], or the range deleted
	sizes       []uint32 // kindEntry: the size of each entry's record
	key, value  []byte   // kindStable
	buf         []byte   // the encoded records
	done        chan error

	// Set by the writer.
	err     error
	written bool
	seg     uint32
	off     int64
}

// submit queues r for the writer and waits until its records are on disk
// and published, or refused.
func (l *Log) submit(r *request) error {
	r.done = make(chan error, 1)
	select {
	case l.reqs <- r:
	case <-l.closing:
		return ErrClosed
	}
	select {
	case err := <-r.done:
		return err
	case <-l.stopped:
		return l.answerAfterStop(r)
	}
}

// answerAfterStop covers a request the writer may have answered just
// before it stopped, or never took from the queue.
func (l *Log) answerAfterStop(r *request) error {
	select {
	case err := <-r.done:
		return err
	default:
		return ErrClosed
	}
}
