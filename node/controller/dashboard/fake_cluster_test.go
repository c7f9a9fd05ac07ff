package dashboard_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/treekv/kv/node/controller"
)

// threeNodeView is a healthy cluster of nodes n1, n2 and n3 holding a
// replica of each of partitions 1 to 4, led by n1, n2, n3 and n2.
func threeNodeView(now time.Time) controller.ClusterView {
	v := controller.ClusterView{
		Version: 1,
		Leader:  "c1",
		Local:   true,
		Moves:   []controller.Move{},
		Controllers: []controller.ControllerView{
			{ID: "c1", HTTPAddr: "127.0.0.1:8080", RaftAddr: "127.0.0.1:8090", State: "Leader"},
			{ID: "c2", HTTPAddr: "127.0.0.1:8180", RaftAddr: "127.0.0.1:8190", State: "Follower"},
			{ID: "c3", HTTPAddr: "127.0.0.1:8280", RaftAddr: "127.0.0.1:8290", State: "Follower"},
		},
	}
	for i := range 3 {
		v.Nodes = append(v.Nodes, controller.NodeView{
			ID: fmt.Sprintf("n%d", i+1), HTTPAddr: fmt.Sprintf("127.0.0.1:%d", 9001+i),
			RaftAddr: fmt.Sprintf("127.0.0.1:%d", 9101+i), Health: controller.HealthUp,
			LastHeartbeat: now, Keys: int64(12000 + 1500*i), Bytes: int64(3_400_000 + 900_000*i),
		})
	}
	bounds := []string{"0x0000000000000000", "0x4000000000000000", "0x8000000000000000", "0xc000000000000000", "max"}
	for i, leader := range []string{"n1", "n2", "n3", "n2"} {
		p := controller.PartitionView{
			ID: uint64(i + 1), Range: fmt.Sprintf("[%s, %s)", bounds[i], bounds[i+1]),
			Epoch: 3, Term: 2, Leader: leader,
		}
		for _, n := range v.Nodes {
			p.Replicas = append(p.Replicas, controller.ReplicaView{
				Node: n.ID, Role: controller.RoleFollower, Term: 2, CommitIndex: 1200,
				AppliedIndex: 1200, Keys: 3400 + int64(i*250), Bytes: 910_000 + int64(i*40_000),
			})
		}
		setLeader(&p, leader)
		v.Partitions = append(v.Partitions, p)
	}
	recount(&v)
	return v
}

// setLeader makes node the leader of p and its other live replicas followers.
func setLeader(p *controller.PartitionView, node string) {
	p.Leader = node
	for i := range p.Replicas {
		r := &p.Replicas[i]
		switch {
		case r.Node == node:
			r.Role = controller.RoleLeader
		case r.Role == controller.RoleLeader:
			r.Role = controller.RoleFollower
		}
		r.Term = p.Term
	}
}

// recount sets each node's replica and leader counts from the partitions.
func recount(v *controller.ClusterView) {
	for i := range v.Nodes {
		n := &v.Nodes[i]
		n.Replicas, n.Leaders = 0, 0
		for _, p := range v.Partitions {
			for _, r := range p.Replicas {
				if r.Node == n.ID {
					n.Replicas++
				}
			}
			if p.Leader == n.ID {
				n.Leaders++
			}
		}
	}
}

// changeLocked bumps the version and wakes the long-polls; f.mu is held.
func (f *fakeController) changeLocked() {
	f.view.Version++
	recount(&f.view)
	close(f.changed)
	f.changed = make(chan struct{})
}

// serveStop stops a node: it goes down, its replicas with it, and each
// partition it led elects another replica, as a real cluster would.
func (f *fakeController) serveStop(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	moved, err := f.stop(id)
	if err != nil {
		writeError(w, http.StatusNotFound, "not_found", err.Error())
		return
	}
	f.emit(controller.EventLocal, id, 0, "node "+id+" stopped from the dashboard")
	f.emit(controller.EventNodeDown, id, 0, "node "+id+" is down: no heartbeat")
	for p, leader := range moved {
		f.emit(controller.EventLeaderChanged, leader, p,
			fmt.Sprintf("partition %d leader %s -> %s", p, id, leader))
	}
	writeJSON(w, http.StatusOK, map[string]string{"node": id, "action": "stop"})
}

// stop marks node id down and moves its leaderships; it returns the new
// leader of each partition id led.
func (f *fakeController) stop(id string) (map[uint64]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.actions = append(f.actions, "stop "+id)
	i := nodeIndex(f.view.Nodes, id)
	if i < 0 {
		return nil, fmt.Errorf("no node %q", id)
	}
	f.view.Nodes[i].Health = controller.HealthDown
	f.view.Nodes[i].RequestsPerSec = 0
	moved := make(map[uint64]string)
	for pi := range f.view.Partitions {
		p := &f.view.Partitions[pi]
		for ri := range p.Replicas {
			if p.Replicas[ri].Node == id {
				p.Replicas[ri].Role = controller.RoleDown
			}
		}
		if p.Leader == id {
			p.Term++
			setLeader(p, firstLive(p))
			moved[p.ID] = p.Leader
		}
	}
	f.changeLocked()
	return moved, nil
}

// firstLive is the first replica of p that is not down.
func firstLive(p *controller.PartitionView) string {
	for _, r := range p.Replicas {
		if r.Role != controller.RoleDown {
			return r.Node
		}
	}
	return ""
}

// isLiveReplica reports whether node holds a replica of p that is not down.
func isLiveReplica(p *controller.PartitionView, node string) bool {
	for _, r := range p.Replicas {
		if r.Node == node && r.Role != controller.RoleDown {
			return true
		}
	}
	return false
}

func nodeIndex(nodes []controller.NodeView, id string) int {
	for i, n := range nodes {
		if n.ID == id {
			return i
		}
	}
	return -1
}

// serveTransfer hands the leadership of a partition to a replica.
func (f *fakeController) serveTransfer(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	var req controller.TransferLeaderRequest
	if err == nil {
		err = json.NewDecoder(r.Body).Decode(&req)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	if err := f.transfer(id, req.To); err != nil {
		writeError(w, http.StatusConflict, "conflict", err.Error())
		return
	}
	f.emit(controller.EventLeaderTransfer, req.To, id, fmt.Sprintf("partition %d leadership to %s", id, req.To))
	writeJSON(w, http.StatusOK, map[string]any{"partition": id, "to": req.To})
}

func (f *fakeController) transfer(id uint64, to string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.actions = append(f.actions, fmt.Sprintf("transfer %d %s", id, to))
	for pi := range f.view.Partitions {
		p := &f.view.Partitions[pi]
		if p.ID == id {
			if !isLiveReplica(p, to) {
				return fmt.Errorf("%s holds no live replica of partition %d", to, id)
			}
			p.Term++
			setLeader(p, to)
			f.changeLocked()
			return nil
		}
	}
	return errors.New("no such partition")
}
