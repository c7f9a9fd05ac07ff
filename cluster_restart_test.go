package kv_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// Every write acknowledged before the whole cluster stops is there, with
// its value and revision, once every node has restarted from its data
// directory.
func TestClusterRestartRecoversAcknowledgedWrites(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{DataDir: t.TempDir()})
	client := newPatientClient(t, c.Endpoints())
	acked := map[string]kv.Value{}
	ctx := testContext(t, loadTimeout)
	for i := range 60 {
		key, value := fmt.Sprintf("durable/%03d", i), []byte(fmt.Sprintf("value %d", i))
		rev, err := client.Put(ctx, key, value)
		require.NoError(t, err)
		acked[key] = kv.Value{Data: value, Revision: rev}
	}

	for i := range c.Size() {
		require.NoError(t, c.StopNode(i))
	}
	for i := range c.Size() {
		require.NoError(t, c.RestartNode(i))
	}
	waitReady(t, c)
	requireAcked(t, client, acked)
}

// Restarting the nodes one at a time, while writes continue, loses no
// acknowledged write.
func TestClusterRollingRestartKeepsAcknowledgedWrites(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{DataDir: t.TempDir()})
	client := newPatientClient(t, c.Endpoints())
	load := startWriteLoad(t, client, "rolling", 2, 2000)
	progress := 0
	for i := range c.Size() {
		progress += 20
		load.waitAcked(t, progress)
		require.NoError(t, c.StopNode(i))
		progress += 20
		load.waitAcked(t, progress) // writes go on with a node down
		require.NoError(t, c.RestartNode(i))
		waitReady(t, c)
	}
	acked := load.halted(t)
	requireAcked(t, client, acked)
}

// A node stops cleanly while a client holds a connection to it that has
// not carried a request yet, as HTTP clients keep spare connections in
// their pools; the node closes that connection.
func TestClusterStopNodeWithUnusedConnection(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{Nodes: 1, Replicas: 1, Partitions: 1})
	addr := strings.TrimPrefix(c.Endpoints()[0], "http://")
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })

	require.NoError(t, c.StopNode(0))
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(eventually)))
	_, err = conn.Read(make([]byte, 1))
	require.Error(t, err)
	require.False(t, errors.Is(err, os.ErrDeadlineExceeded), "the node left the connection open")
}
