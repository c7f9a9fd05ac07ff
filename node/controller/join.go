package controller

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/raft"
	"github.com/treekv/kv/node"
)

// joinRetry is the pause between attempts to join a controller group.
const joinRetry = time.Second

// join asks the controller at cfg.Join to add this instance to its group,
// until it succeeds or ctx ends.
func (c *Controller) join(ctx context.Context) {
	base := strings.TrimSuffix(c.cfg.Join, "/")
	rec := ControllerRecord{ID: c.cfg.ID, HTTPAddr: c.HTTPAddr(), RaftAddr: c.RaftAddr()}
	for {
		err := c.nodes.call(ctx, strings.TrimPrefix(strings.TrimPrefix(base, "http://"), "https://"),
			http.MethodPost, "/v1/controllers", rec, nil)
		if err == nil {
			c.logger.Info("joined the controller group", "via", base)
			return
		}
		c.logger.Warn("joining the controller group", "via", base, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(joinRetry):
		}
	}
}

// addController makes the instance rec a voting member of the group and
// records its addresses. It runs on the leader.
func (c *Controller) addController(ctx context.Context, rec ControllerRecord) error {
	if rec.ID == "" || rec.HTTPAddr == "" || rec.RaftAddr == "" {
		return node.Errorf(node.ErrBadRequest, "a controller needs id, http_addr and raft_addr")
	}
	if _, err := c.store.update(ctx, func(st *State) error {
		st.setController(rec)
		return nil
	}); err != nil {
		return err
	}
	f := c.rep.Raft().AddVoter(raft.ServerID(rec.ID), raft.ServerAddress(rec.RaftAddr), 0, 10*time.Second)
	if err := f.Error(); err != nil {
		if errors.Is(err, raft.ErrNotLeader) {
			return node.Errorf(node.ErrUnavailable, "not the controller leader")
		}
		return fmt.Errorf("add controller %s: %w", rec.ID, err)
	}
	c.events.publish(EventControllerJoined, "", 0, fmt.Sprintf("controller %s joined the controller group", rec.ID))
	return nil
}

// registerSelf records this instance's addresses once it leads, so that the
// others can forward requests to it. It always commits, so every leadership
// raises the state's version, and with it the view's.
func (c *Controller) registerSelf(ctx context.Context) error {
	self := ControllerRecord{ID: c.cfg.ID, HTTPAddr: c.HTTPAddr(), RaftAddr: c.RaftAddr()}
	_, err := c.store.update(ctx, func(st *State) error {
		st.setController(self)
		return nil
	})
	return err
}
