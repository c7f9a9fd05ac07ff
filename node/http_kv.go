package node

import (
	"net/http"
	"strconv"
)

// serveKV answers GET, PUT and DELETE on /v1/kv/{key}.
func (n *Node) serveKV(w http.ResponseWriter, r *http.Request) {
	key, err := keyFromPath(r)
	if err == nil {
		err = n.cfg.Limits.checkKey(key)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		n.serveGet(w, r, key)
	case http.MethodPut:
		n.servePut(w, r, key)
	case http.MethodDelete:
		n.serveDelete(w, r, key)
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT, DELETE")
		writeError(w, Errorf(ErrBadRequest, "method %s is not allowed on %s", r.Method, r.URL.Path))
	}
}

func (n *Node) serveGet(w http.ResponseWriter, r *http.Request, key string) {
	stale, err := consistency(r)
	if err != nil {
		writeError(w, err)
		return
	}
	n.serveKey(w, r, key, nil, readMode(stale), func(rep *Replica) error {
		return writeValue(w, rep, key)
	})
}

// writeValue answers a read of key with its value in rep's state machine,
// or returns the error to answer.
func writeValue(w http.ResponseWriter, rep *Replica, key string) error {
	e, ok := rep.FSM().Get(key)
	if !ok {
		return Errorf(ErrNotFound, "key %q not found", key)
	}
	w.Header().Set(HeaderRevision, strconv.FormatUint(e.ModRevision, 10))
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(e.Value)
	return nil
}

func (n *Node) servePut(w http.ResponseWriter, r *http.Request, key string) {
	value, err := readBody(w, r, int64(n.cfg.Limits.MaxValueSize), "value")
	if err != nil {
		writeError(w, err)
		return
	}
	n.serveWrite(w, r, key, value, Op{Kind: OpPut, Key: key, Value: value}, func(res Result) {
		writePut(w, res.Revision)
	})
}

func (n *Node) serveDelete(w http.ResponseWriter, r *http.Request, key string) {
	n.serveWrite(w, r, key, nil, Op{Kind: OpDelete, Key: key}, func(res Result) {
		writeDelete(w, res.Results[0].Found, res.Revision)
	})
}

// serveWrite proposes op, guarded by ?if_revision when present, and answers
// with done, or with a conflict carrying the key's current revision.
func (n *Node) serveWrite(w http.ResponseWriter, r *http.Request, key string, body []byte, op Op, done func(Result)) {
	cmd, err := writeCommand(r, op)
	if err != nil {
		writeError(w, err)
		return
	}
	n.serveKey(w, r, key, body, modeLeader, func(rep *Replica) error {
		res, err := n.propose(r, rep, cmd)
		if err != nil {
			return err
		}
		if !res.Succeeded {
			writeConflict(w, key, res.Results[0].Entry.ModRevision)
			return nil
		}
		done(res)
		return nil
	})
}

func writeCommand(r *http.Request, op Op) (*Command, error) {
	idem, err := idempotencyKey(r)
	if err != nil {
		return nil, err
	}
	cmd := &Command{IdempotencyKey: idem, Success: []Op{op}}
	rev, guarded, err := ifRevision(r)
	if err != nil || !guarded {
		return cmd, err
	}
	cmd.Compares = []Compare{{Key: op.Key, Target: TargetMod, Op: CmpEqual, Number: rev}}
	cmd.Failure = []Op{{Kind: OpGet, Key: op.Key}}
	return cmd, nil
}

// propose replicates cmd on rep, bounded by the node's write timeout.
func (n *Node) propose(r *http.Request, rep *Replica, cmd *Command) (Result, error) {
	ctx, cancel := contextWithTimeout(r, n.cfg.WriteTimeout)
	defer cancel()
	return rep.Propose(ctx, cmd)
}
