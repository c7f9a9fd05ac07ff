package controller

import (
	"time"

	"github.com/treekv/kv/node/part"
)

// JSON bodies of the controller's HTTP API.

// Health of a storage node, from its heartbeats.
const (
	HealthUp      = "up"      // heartbeats arrive
	HealthSuspect = "suspect" // heartbeats late past SuspectAfter
	HealthDown    = "down"    // heartbeats late past DownAfter
)

// Roles of a replica in the partition x node grid.
const (
	RoleLeader     = "leader"
	RoleFollower   = "follower"
	RoleLearner    = "learner"     // a non-voter being added by a move
	RoleCatchingUp = "catching-up" // a member whose applied index lags its leader
	RoleCandidate  = "candidate"
	RoleDown       = "down"    // on a node that is down
	RoleMissing    = "missing" // the map places it but its node does not report it
)

// ClusterView answers GET /v1/cluster: the whole cluster as the controller
// leader sees it. Version rises with every change, of the replicated state or
// of health; GET /v1/cluster?wait=V answers once Version > V.
type ClusterView struct {
	Version     uint64           `json:"version"`
	Leader      string           `json:"leader"`
	Controllers []ControllerView `json:"controllers"`
	Map         *part.Map        `json:"map"`
	Nodes       []NodeView       `json:"nodes"`
	Partitions  []PartitionView  `json:"partitions"`
	Moves       []Move           `json:"moves"`
	// Local reports that the controller runs its storage nodes in process,
	// so the dashboard may stop, restart and isolate them.
	Local bool `json:"local"`
}

// ControllerView is one controller instance.
type ControllerView struct {
	ID       string `json:"id"`
	HTTPAddr string `json:"http_addr"`
	RaftAddr string `json:"raft_addr"`
	State    string `json:"state"` // Leader, Follower, Candidate or Unknown
}

// NodeView is one storage node with its health and load.
type NodeView struct {
	ID             string    `json:"id"`
	HTTPAddr       string    `json:"http_addr"`
	RaftAddr       string    `json:"raft_addr"`
	Health         string    `json:"health"`
	Draining       bool      `json:"draining"`
	LastHeartbeat  time.Time `json:"last_heartbeat"`
	Replicas       int       `json:"replicas"`
	Leaders        int       `json:"leaders"`
	Keys           int64     `json:"keys"`
	Bytes          int64     `json:"bytes"`
	RequestsPerSec float64   `json:"requests_per_sec"`
}

// PartitionView is one partition with the state of each replica.
type PartitionView struct {
	ID       uint64        `json:"id"`
	Range    string        `json:"range"` // human-readable [start, end)
	Epoch    uint64        `json:"epoch"`
	Leader   string        `json:"leader"`
	Term     uint64        `json:"term"`
	Replicas []ReplicaView `json:"replicas"`
}

// ReplicaView is one replica of a partition on one node.
type ReplicaView struct {
	Node         string `json:"node"`
	Role         string `json:"role"`
	Term         uint64 `json:"term"`
	CommitIndex  uint64 `json:"commit_index"`
	AppliedIndex uint64 `json:"applied_index"`
	Lag          uint64 `json:"lag"` // entries behind the leader's commit index
	Keys         int64  `json:"keys"`
	Bytes        int64  `json:"bytes"`
	// RequestsPerSec is the rate of data API requests the replica served.
	RequestsPerSec float64 `json:"requests_per_sec"`
}

// Move is a replica of Partition moving from one node to another.
type Move struct {
	Partition uint64    `json:"partition"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason"`
	Started   time.Time `json:"started"`
}

// Event kinds streamed by GET /v1/events.
const (
	EventNodeJoined       = "node_joined"
	EventNodeUp           = "node_up"
	EventNodeSuspect      = "node_suspect"
	EventNodeDown         = "node_down"
	EventNodeDraining     = "node_draining"
	EventNodeRemoved      = "node_removed"
	EventLeaderChanged    = "leader_changed"    // a partition's leader changed
	EventControllerLeader = "controller_leader" // the controller elected a leader
	EventMoveStarted      = "move_started"
	EventMoveFinished     = "move_finished"
	EventMoveFailed       = "move_failed"
	EventLeaderTransfer   = "leader_transfer"
	EventLocal            = "local_action"      // a node stopped, restarted, isolated or healed from the dashboard
	EventMapPlanned       = "map_planned"       // the first partition map was planned
	EventControllerJoined = "controller_joined" // a controller instance joined the controller group
)

// Event is one thing that happened, as GET /v1/events streams it (as
// server-sent events with event: Kind and data: this JSON).
type Event struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	Kind      string    `json:"kind"`
	Node      string    `json:"node,omitempty"`
	Partition uint64    `json:"partition,omitempty"`
	Message   string    `json:"message"`
}

// MoveRequest is the body of POST /v1/partitions/{id}/move.
type MoveRequest struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// TransferLeaderRequest is the body of POST /v1/partitions/{id}/transfer-leader.
type TransferLeaderRequest struct {
	To string `json:"to"`
}
