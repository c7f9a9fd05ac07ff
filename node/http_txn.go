package node

import (
	"net/http"

	"github.com/treekv/kv/node/part"
)

// serveTxn answers POST /v1/txn: a transaction over keys of one partition,
// applied atomically on its leader.
func (n *Node) serveTxn(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r, int64(n.cfg.Limits.MaxTxnSize), "transaction body")
	if err != nil {
		writeError(w, err)
		return
	}
	cmd, keys, err := n.decodeTxn(body)
	if err == nil {
		cmd.IdempotencyKey, err = idempotencyKey(r)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	m, err := n.currentMap()
	if err != nil {
		writeError(w, err)
		return
	}
	p, err := onePartition(m, keys)
	if err != nil {
		writeError(w, err)
		return
	}
	n.servePartition(w, r, m, p, body, modeLeader, func(rep *Replica) error {
		res, err := n.propose(r, rep, cmd)
		if err == nil {
			writeJSON(w, http.StatusOK, txnResponse(res))
		}
		return err
	})
}

func (n *Node) decodeTxn(body []byte) (*Command, []string, error) {
	var req TxnRequest
	if err := decodeStrictJSON(body, "invalid transaction JSON", &req); err != nil {
		return nil, nil, err
	}
	return n.cfg.Limits.txnCommand(&req)
}

// onePartition returns the partition holding every key, or ErrCrossPartition.
func onePartition(m *part.Map, keys []string) (part.Partition, error) {
	first, err := m.Locate(keys[0])
	if err != nil {
		return first, Errorf(ErrInternal, "locate key: %v", err)
	}
	for _, k := range keys[1:] {
		p, err := m.Locate(k)
		if err != nil {
			return first, Errorf(ErrInternal, "locate key: %v", err)
		}
		if p.ID != first.ID {
			return first, Errorf(ErrCrossPartition,
				"transaction spans partitions %d (key %q) and %d (key %q): keys sharing a {tag} share a partition",
				first.ID, keys[0], p.ID, k)
		}
	}
	return first, nil
}
