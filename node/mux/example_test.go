package mux_test

import (
	"fmt"
	"io"
	"net"
	"time"

	"github.com/hashicorp/raft"

	"github.com/treekv/kv/node/mux"
)

// Each Raft group of a node gets its own Layer of the node's one Mux and
// hands it to raft.NewNetworkTransport.
func ExampleMux() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	m := mux.New(ln, nil)
	defer m.Close()

	for _, group := range []uint64{1, 2} {
		layer, err := m.Layer(group)
		if err != nil {
			panic(err)
		}
		trans := raft.NewNetworkTransport(layer, 3, 10*time.Second, io.Discard)
		defer trans.Close()
		fmt.Println("group", group, "listens on the shared address:", trans.LocalAddr() == raft.ServerAddress(m.Addr().String()))
	}
	// Output:
	// group 1 listens on the shared address: true
	// group 2 listens on the shared address: true
}
