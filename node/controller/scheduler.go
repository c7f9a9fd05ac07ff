package controller

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// scheduler is the controller leader's loop: every tick it checks health,
// follows partition leaders, and drives replicas and leaderships toward a
// balanced placement on healthy nodes.
type scheduler struct {
	c       *Controller
	leaders map[uint64]string // last seen leader of each partition
	// ledTerm is the Raft term in which this instance took over as leader,
	// 0 while it does not lead.
	ledTerm atomic.Uint64
	// lastTransfer is when a leadership was last moved (Unix nanoseconds),
	// by balancing or by hand.
	lastTransfer atomic.Int64
}

// tickTimeout bounds the work of one tick.
const tickTimeout = 10 * time.Second

func newScheduler(c *Controller) *scheduler {
	return &scheduler{c: c, leaders: map[uint64]string{}}
}

func (s *scheduler) run(ctx context.Context) {
	ticker := time.NewTicker(s.c.cfg.Tick)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			s.tick(ctx)
		}
	}
}

func (s *scheduler) tick(ctx context.Context) {
	if !s.c.IsLeader() {
		s.ledTerm.Store(0)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tickTimeout)
	defer cancel()
	if term := s.c.rep.Raft().CurrentTerm(); s.ledTerm.Load() != term && !s.takeOver(ctx, term) {
		return
	}
	st, _, err := s.c.store.load(ctx)
	if err != nil {
		s.c.logger.Debug("load controller state", "err", err)
		return
	}
	s.checkHealth(st)
	if st.Map == nil {
		s.plan(ctx, st)
		return
	}
	s.watchLeaders(st)
	s.fixAddresses(ctx, st)
	s.ensureReplicas(ctx, st)
	s.advanceMoves(ctx, st)
	s.scheduleMoves(ctx, st)
	s.balanceLeaders(ctx, st)
}

// takeOver starts a leadership of term: it publishes this instance's
// address and starts health tracking afresh.
func (s *scheduler) takeOver(ctx context.Context, term uint64) bool {
	if err := s.c.registerSelf(ctx); err != nil {
		s.c.logger.Debug("register controller", "err", err)
		return false
	}
	s.c.health.reset()
	s.leaders = map[uint64]string{}
	s.ledTerm.Store(term)
	s.c.events.publish(EventControllerLeader, "", 0, fmt.Sprintf("controller %s is the leader", s.c.cfg.ID))
	return true
}

var healthEvents = map[string]string{HealthUp: EventNodeUp, HealthSuspect: EventNodeSuspect, HealthDown: EventNodeDown}

func (s *scheduler) checkHealth(st *State) {
	for _, t := range s.c.health.evaluate(st.memberIDs(), time.Now()) {
		s.c.events.publish(healthEvents[t.to], t.node, 0, fmt.Sprintf("node %s is %s (was %s)", t.node, t.to, t.from))
	}
}

// plan builds the first partition map once enough nodes are up.
func (s *scheduler) plan(ctx context.Context, st *State) {
	var up []part.NodeInfo
	for _, n := range st.nodeInfos() {
		if s.c.health.isUp(n.ID) && !s.draining(st, n.ID) {
			up = append(up, n)
		}
	}
	if len(up) < s.c.cfg.Replicas {
		return
	}
	m, err := part.Plan(s.c.cfg.planConfig(up))
	if err != nil {
		s.c.logger.Error("plan the partition map", "err", err)
		return
	}
	if _, err := s.c.store.update(ctx, func(st *State) error {
		if st.Map != nil {
			return node.Errorf(node.ErrConflict, "the map was planned meanwhile")
		}
		st.Map = m
		return nil
	}); err != nil {
		return
	}
	s.c.events.publish(EventMapPlanned, "", 0, fmt.Sprintf("planned %d partitions of %d replicas over %d nodes", len(m.Partitions), s.c.cfg.Replicas, len(up)))
}

func (s *scheduler) draining(st *State, id string) bool {
	n, ok := st.node(id)
	return ok && n.Draining
}

// watchLeaders publishes an event for every partition whose leader changed.
func (s *scheduler) watchLeaders(st *State) {
	for _, p := range st.Map.Partitions {
		leader, _ := s.leaderOf(p.ID)
		if leader == "" || leader == s.leaders[p.ID] {
			continue
		}
		if prev := s.leaders[p.ID]; prev != "" {
			s.c.events.publish(EventLeaderChanged, leader, p.ID, fmt.Sprintf("partition %d: leader %s -> %s", p.ID, prev, leader))
		} else {
			s.c.events.publish(EventLeaderChanged, leader, p.ID, fmt.Sprintf("partition %d: leader %s", p.ID, leader))
		}
		s.leaders[p.ID] = leader
	}
}

// leaderOf returns the node leading partition pid, as the up nodes report
// it, with its replica's status; the highest term wins.
func (s *scheduler) leaderOf(pid uint64) (string, node.ReplicaStatus) {
	var id string
	var best node.ReplicaStatus
	for nodeID, rep := range s.c.health.upReports() {
		for _, rs := range rep.Replicas {
			if rs.Partition == pid && rs.State == "Leader" && rs.Term >= best.Term {
				id, best = nodeID, rs
			}
		}
	}
	return id, best
}

// awaitTakeOver returns once this instance, if it leads, has taken over in
// its current term: before that, its view's version may be below one the
// previous leader served. It fails with ErrUnavailable when ctx ends first.
func (s *scheduler) awaitTakeOver(ctx context.Context) error {
	ticker := time.NewTicker(takeOverPoll)
	defer ticker.Stop()
	for s.c.IsLeader() && s.ledTerm.Load() != s.c.rep.Raft().CurrentTerm() {
		select {
		case <-ctx.Done():
			return node.Errorf(node.ErrUnavailable, "controller %s is taking over as leader: %v", s.c.cfg.ID, ctx.Err())
		case <-ticker.C:
		}
	}
	return nil
}

// takeOverPoll is how often awaitTakeOver looks again.
const takeOverPoll = 5 * time.Millisecond
