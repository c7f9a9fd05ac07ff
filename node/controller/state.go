package controller

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/treekv/kv/node/part"
)

// State is the controller's replicated state: the members of the cluster,
// the partition map and the moves in flight. Version rises with every change.
type State struct {
	Version     uint64             `json:"version"`
	Controllers []ControllerRecord `json:"controllers"`
	Nodes       []NodeRecord       `json:"nodes"`
	Map         *part.Map          `json:"map,omitempty"`
	Moves       []Move             `json:"moves,omitempty"`
	// Removed lists the IDs of removed nodes, which may not join again.
	Removed []string `json:"removed,omitempty"`
}

// ControllerRecord is a controller instance of the controller group.
type ControllerRecord struct {
	ID       string `json:"id"`
	HTTPAddr string `json:"http_addr"`
	RaftAddr string `json:"raft_addr"`
}

// NodeRecord is a storage node that joined the cluster.
type NodeRecord struct {
	ID       string    `json:"id"`
	HTTPAddr string    `json:"http_addr"`
	RaftAddr string    `json:"raft_addr"`
	Draining bool      `json:"draining,omitempty"`
	Joined   time.Time `json:"joined"`
}

func (s *State) clone() *State {
	data, _ := json.Marshal(s)
	var c State
	_ = json.Unmarshal(data, &c)
	return &c
}

func (s *State) node(id string) (*NodeRecord, bool) {
	i := slices.IndexFunc(s.Nodes, func(n NodeRecord) bool { return n.ID == id })
	if i < 0 {
		return nil, false
	}
	return &s.Nodes[i], true
}

func (s *State) controller(id string) (ControllerRecord, bool) {
	i := slices.IndexFunc(s.Controllers, func(c ControllerRecord) bool { return c.ID == id })
	if i < 0 {
		return ControllerRecord{}, false
	}
	return s.Controllers[i], true
}

// setController adds or updates a controller record.
func (s *State) setController(rec ControllerRecord) {
	s.Controllers = slices.DeleteFunc(s.Controllers, func(c ControllerRecord) bool { return c.ID == rec.ID })
	s.Controllers = append(s.Controllers, rec)
	slices.SortFunc(s.Controllers, func(a, b ControllerRecord) int { return strings.Compare(a.ID, b.ID) })
}

func (s *State) move(pid uint64) (Move, bool) {
	i := slices.IndexFunc(s.Moves, func(m Move) bool { return m.Partition == pid })
	if i < 0 {
		return Move{}, false
	}
	return s.Moves[i], true
}

func (s *State) removeMove(pid uint64) {
	s.Moves = slices.DeleteFunc(s.Moves, func(m Move) bool { return m.Partition == pid })
}

// nodeInfos lists the members as a partition map names them.
func (s *State) nodeInfos() []part.NodeInfo {
	out := make([]part.NodeInfo, len(s.Nodes))
	for i, n := range s.Nodes {
		out[i] = part.NodeInfo{ID: n.ID, HTTPAddr: n.HTTPAddr, RaftAddr: n.RaftAddr}
	}
	return out
}

// syncMapNodes copies the members' addresses into the map, bumping its
// version when they changed.
func (s *State) syncMapNodes() {
	if s.Map == nil {
		return
	}
	infos := s.nodeInfos()
	if !slices.Equal(infos, s.Map.Nodes) {
		s.Map.Nodes = infos
		s.Map.Version++
	}
}

// hostedBy lists the partitions the map or a move in flight places on node id.
func (s *State) hostedBy(id string) []uint64 {
	var out []uint64
	if s.Map != nil {
		for _, p := range s.Map.Partitions {
			if slices.Contains(p.Replicas, id) {
				out = append(out, p.ID)
			}
		}
	}
	for _, m := range s.Moves {
		if m.To == id && !slices.Contains(out, m.Partition) {
			out = append(out, m.Partition)
		}
	}
	return out
}

// memberIDs lists the IDs of the storage nodes.
func (s *State) memberIDs() []string {
	out := make([]string, len(s.Nodes))
	for i, n := range s.Nodes {
		out[i] = n.ID
	}
	return out
}

// partitionRef returns a pointer to partition pid of the map, or nil.
func (s *State) partitionRef(pid uint64) *part.Partition {
	if s.Map == nil {
		return nil
	}
	for i := range s.Map.Partitions {
		if s.Map.Partitions[i].ID == pid {
			return &s.Map.Partitions[i]
		}
	}
	return nil
}
