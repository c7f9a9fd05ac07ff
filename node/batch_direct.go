package node

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"

	"github.com/treekv/kv/node/part"
)

// directWrite is a request of a batch that the node serves without making
// it an HTTP request of its own and running the /v1/kv handler: a PUT or
// DELETE with no query, of a valid key, whose partition this node leads.
// It answers exactly as the handler would. Any other request goes through
// the handler, as if it had come alone.
type directWrite struct {
	method string
	rep    *Replica
	cmd    *Command
}

// directRead is a request of a batch that the node serves itself, as the
// /v1/kv handler would: a GET ?consistency=stale of a valid key whose
// partition has a replica here, read from that replica's state.
type directRead struct {
	key string
	rep *Replica
}

// staleQuery is the query of a direct read.
const staleQuery = ParamConsistency + "=" + ConsistencyStale

// directReadOf returns the direct form of op, whose path parsed as u, or
// nil when the handler must serve op.
func (n *Node) directReadOf(m *part.Map, op *BatchOp, u *url.URL) *directRead {
	if m == nil || op.Method != http.MethodGet || u.RawQuery != staleQuery {
		return nil
	}
	key, rep := n.localKey(m, u)
	if rep == nil {
		return nil
	}
	return &directRead{key: key, rep: rep}
}

// localKey returns the valid key u names and the local replica of its
// partition, or a nil replica.
func (n *Node) localKey(m *part.Map, u *url.URL) (string, *Replica) {
	key, err := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), kvPrefix))
	if err != nil || n.cfg.Limits.checkKey(key) != nil {
		return "", nil
	}
	p, err := m.Locate(key)
	if err != nil {
		return "", nil
	}
	rep, _ := n.Replica(p.ID)
	return key, rep
}

// serveDirectRead answers d into rec, as the handler would, and meters it.
func (n *Node) serveDirectRead(rec *batchRecorder, d *directRead) {
	start := time.Now()
	d.rep.requests.add()
	rec.Header().Set(HeaderNode, n.cfg.ID)
	if err := writeValue(rec, d.rep, d.key); err != nil {
		writeError(rec, err)
	}
	n.kvMeter.record(http.MethodGet, rec.status, start)
}

// directWriteOf returns the direct form of op, whose path parsed as u, or
// nil when the handler must serve op.
func (n *Node) directWriteOf(m *part.Map, op *BatchOp, u *url.URL) *directWrite {
	kind := OpPut
	switch {
	case op.Method == http.MethodDelete:
		kind = OpDelete
	case op.Method != http.MethodPut || len(op.Body) > n.cfg.Limits.MaxValueSize:
		return nil
	}
	if m == nil || u.RawQuery != "" || u.ForceQuery || len(op.IdempotencyKey) > maxIdempotencyKey {
		return nil
	}
	key, rep := n.localKey(m, u)
	if rep == nil || !rep.IsLeader() {
		return nil
	}
	op1 := Op{Kind: kind, Key: key}
	if kind == OpPut {
		op1.Value = op.Body
	}
	return &directWrite{method: op.Method, rep: rep, cmd: &Command{IdempotencyKey: op.IdempotencyKey, Success: []Op{op1}}}
}

// directCall is a direct write on its way through Raft.
type directCall struct {
	item   int // index in the batch
	d      *directWrite
	future raft.ApplyFuture // nil if the write could not be submitted
	slot   int              // its answer's index in a group's answers; -1 alone
	err    error            // why it could not be submitted
	start  time.Time
}

// Bounds of the log entry that carries several direct writes of a batch.
const (
	maxGroupWrites = 256
	maxGroupBytes  = 1 << 20
)

// submitDirect hands the direct writes of items to Raft without waiting,
// from this goroutine: the writes of one partition as one log entry (a
// group), split where a key comes again so that every write of a key has a
// revision of its own, or where the entry would grow too large.
func submitDirect(items []batchItem) []*directCall {
	var calls []*directCall
	var reps []*Replica
	byRep := map[*Replica][]*directCall{}
	for i := range items {
		if d := items[i].direct; d != nil {
			c := &directCall{item: i, d: d, slot: -1, start: time.Now()}
			calls = append(calls, c)
			if byRep[d.rep] == nil {
				reps = append(reps, d.rep)
			}
			byRep[d.rep] = append(byRep[d.rep], c)
		}
	}
	for _, rep := range reps {
		for _, group := range splitGroups(byRep[rep]) {
			submitGroup(rep, group)
		}
	}
	return calls
}

// splitGroups cuts calls, in order, into groups with no key twice and
// within the bounds of an entry.
func splitGroups(calls []*directCall) [][]*directCall {
	var groups [][]*directCall
	keys := map[string]bool{}
	size, start := 0, 0
	for i, c := range calls {
		key, n := c.d.cmd.Success[0].Key, len(c.d.cmd.Success[0].Value)+len(c.d.cmd.Success[0].Key)
		if i > start && (keys[key] || i-start == maxGroupWrites || size+n > maxGroupBytes) {
			groups = append(groups, calls[start:i])
			clear(keys)
			size, start = 0, i
		}
		keys[key] = true
		size += n
	}
	return append(groups, calls[start:])
}

// submitGroup proposes the writes of group as one entry, or alone.
func submitGroup(rep *Replica, group []*directCall) {
	if len(group) == 1 {
		group[0].future, group[0].err = rep.submit(group[0].d.cmd)
		return
	}
	cmds := make([]*Command, len(group))
	for i, c := range group {
		cmds[i] = c.d.cmd
	}
	future, err := rep.submitGroup(cmds)
	for i, c := range group {
		c.future, c.err, c.slot = future, err, i
	}
}

// awaitDirect waits for the direct writes, until the node's write timeout
// after ctx at most, and records each answer in recs as the handler would,
// metering it as a request of its own. It returns the indexes of the writes
// whose replica turned out not to lead: they did not apply, and the handler
// must serve them (it forwards them to the leader).
func (n *Node) awaitDirect(ctx context.Context, calls []*directCall, recs []batchRecorder) []int {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.WriteTimeout)
	defer cancel()
	answered := waitAll(ctx, calls)
	var again []int
	for k, c := range calls {
		res, err := c.outcome(k < answered)
		var nl *NotLeaderError
		if errors.As(err, &nl) {
			again = append(again, c.item)
			continue
		}
		n.recordDirect(&recs[c.item], c, res, err)
	}
	return again
}

// waitAll waits, on one goroutine, for the futures of calls in order, until
// ctx ends, and returns how many were answered by then: the first ones.
func waitAll(ctx context.Context, calls []*directCall) int {
	var answered atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, c := range calls {
			if c.future != nil {
				_ = c.future.Error()
			}
			answered.Add(1)
		}
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return int(answered.Load())
}

// outcome returns what c's write produced, or, if its future was not
// answered in time, that it may still apply.
func (c *directCall) outcome(answered bool) (Result, error) {
	switch {
	case c.err != nil:
		return Result{}, c.err
	case brokenAck():
		return ackedUnapplied(c.d.cmd), nil
	case !answered:
		return Result{}, Errorf(ErrIndeterminate, "write proposed but not confirmed in time")
	case c.slot >= 0:
		return c.d.rep.groupOutcome(c.future, c.slot)
	}
	return c.d.rep.outcome(c.future)
}

// recordDirect records the answer of c in rec and meters it.
func (n *Node) recordDirect(rec *batchRecorder, c *directCall, res Result, err error) {
	c.d.rep.requests.add()
	rec.Header().Set(HeaderNode, n.cfg.ID)
	switch {
	case err != nil:
		writeError(rec, err)
	case c.d.method == http.MethodPut:
		writePut(rec, res.Revision)
	default:
		writeDelete(rec, res.Results[0].Found, res.Revision)
	}
	n.kvMeter.record(c.d.method, rec.status, c.start)
}
