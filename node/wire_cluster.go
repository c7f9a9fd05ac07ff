package node

import "github.com/treekv/kv/node/part"

// JSON bodies exchanged between storage nodes and the controller.

// JoinRequest is the body of the controller's POST /v1/nodes: a node asks to
// join, or a node that restarted tells its (possibly new) addresses.
type JoinRequest struct {
	ID       string `json:"id"`
	HTTPAddr string `json:"http_addr"`
	RaftAddr string `json:"raft_addr"`
}

// NodeReport is what a node sends the controller with every heartbeat
// (POST /v1/nodes/{id}/heartbeat): its addresses, the version of its
// partition map and the state of every replica it hosts.
type NodeReport struct {
	ID             string          `json:"id"`
	HTTPAddr       string          `json:"http_addr"`
	RaftAddr       string          `json:"raft_addr"`
	MapVersion     uint64          `json:"map_version"`
	RequestsPerSec float64         `json:"requests_per_sec"`
	Replicas       []ReplicaStatus `json:"replicas"`
}

// HeartbeatResponse answers a heartbeat. Map is set when the controller's
// partition map is newer than the one the node reported.
type HeartbeatResponse struct {
	MapVersion uint64    `json:"map_version"`
	Map        *part.Map `json:"map,omitempty"`
}

// Membership changes a replica's leader applies to its Raft group, through
// POST /v1/admin/replicas/{id}/members.
const (
	MemberAddLearner = "add_learner" // add a non-voting member that receives the log
	MemberPromote    = "promote"     // make a member a voter
	MemberRemove     = "remove"      // remove a member
)

// MemberChange is the body of POST /v1/admin/replicas/{id}/members.
type MemberChange struct {
	Action   string `json:"action"`
	NodeID   string `json:"node_id"`
	RaftAddr string `json:"raft_addr,omitempty"`
}

// TransferRequest is the body of POST /v1/admin/replicas/{id}/transfer-leader.
type TransferRequest struct {
	To       string `json:"to"`
	RaftAddr string `json:"raft_addr"`
}
