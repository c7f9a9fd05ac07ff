package kv_test

import (
	"fmt"
	"testing"

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
