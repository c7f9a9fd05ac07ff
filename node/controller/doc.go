// Package controller is treekv's placement driver: it keeps the cluster's
// membership, partition map and moves in a Raft group of one or three
// controller instances, follows every storage node's health from its
// heartbeats, and moves replicas and leaderships so that every partition
// keeps its replicas on distinct healthy nodes, evenly spread. Only the
// elected leader acts; the other instances forward the API to it.
//
// The controller's state is one JSON document stored in the controller
// group's own replica of the node package's state machine, and changed only
// by compare-and-swap on its revision, so a new leader takes over exactly the
// state the old one committed.
package controller
