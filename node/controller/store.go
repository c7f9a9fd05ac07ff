package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/treekv/kv/node"
)

// stateKey is the key under which the state lives in the controller group.
const stateKey = "controller/state"

// store reads and changes the State kept in the controller group's replica.
// Changes are compare-and-swap on the key's revision, serialized by mu, and
// only the group's leader can make them.
type store struct {
	rep *node.Replica
	mu  sync.Mutex
}

// load returns the committed state, read linearizably on the leader.
func (s *store) load(ctx context.Context) (*State, uint64, error) {
	if err := s.rep.ReadBarrier(ctx); err != nil {
		return nil, 0, err
	}
	return s.local()
}

// local returns this replica's copy of the state, which may be behind.
func (s *store) local() (*State, uint64, error) {
	e, ok := s.rep.FSM().Get(stateKey)
	if !ok {
		return &State{}, 0, nil
	}
	var st State
	if err := json.Unmarshal(e.Value, &st); err != nil {
		return nil, 0, fmt.Errorf("decode controller state: %w", err)
	}
	return &st, e.ModRevision, nil
}

// update applies change to the committed state and commits the result with
// a higher version. A change that returns an error commits nothing.
func (s *store) update(ctx context.Context, change func(*State) error) (*State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, rev, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	next := st.clone()
	if err := change(next); err != nil {
		return nil, err
	}
	next.Version = st.Version + 1
	next.syncMapNodes()
	return next, s.commit(ctx, next, rev)
}

func (s *store) commit(ctx context.Context, st *State, rev uint64) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	res, err := s.rep.Propose(ctx, &node.Command{
		Compares: []node.Compare{{Key: stateKey, Target: node.TargetMod, Op: node.CmpEqual, Number: rev}},
		Success:  []node.Op{{Kind: node.OpPut, Key: stateKey, Value: data}},
	})
	if err != nil {
		return err
	}
	if !res.Succeeded {
		return node.Errorf(node.ErrConflict, "controller state changed concurrently; try again")
	}
	return nil
}
