//go:build unix

package faults

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRaftLinksGoThroughProxies runs two nodes that replicate one
// partition and reach each other's Raft port only through a proxy each
// way: cutting the proxies stops writes from committing, healing them
// lets writes commit again.
func TestRaftLinksGoThroughProxies(t *testing.T) {
	bin := BuildNode(t)
	ids := []string{"n1", "n2"}
	// Each node's ports stay reserved until it starts: the proxies,
	// listening in between, cannot take them.
	httpLns := []net.Listener{reserveAddr(t), reserveAddr(t)}
	raftLns := []net.Listener{reserveAddr(t), reserveAddr(t)}
	httpAddrs := []string{httpLns[0].Addr().String(), httpLns[1].Addr().String()}
	raftAddrs := []string{raftLns[0].Addr().String(), raftLns[1].Addr().String()}
	var peers []string
	for i, id := range ids {
		peers = append(peers, fmt.Sprintf("%s=%s@%s", id, httpAddrs[i], raftAddrs[i]))
	}
	proxies := []*Proxy{newProxy(t, raftAddrs[1]), newProxy(t, raftAddrs[0])} // n1->n2, n2->n1
	for i, id := range ids {
		other := 1 - i
		require.NoError(t, errors.Join(httpLns[i].Close(), raftLns[i].Close()))
		_, err := StartProcess(t, ProcessConfig{Name: id, Binary: bin, Args: []string{
			"-id", id, "-peers", strings.Join(peers, ","), "-replicas", "2", "-partitions", "1",
			"-data-dir", t.TempDir(), "-log-level", "debug",
			"-raft-dial-rewrite", raftAddrs[other] + "=" + proxies[i].Addr(),
		}})
		require.NoError(t, err)
	}
	base := "http://" + httpAddrs[0]
	requirePut(t, base, "k", "v1")

	for _, p := range proxies {
		p.Cut(ClientToTarget, true)
	}
	code, _, err := httpDo("PUT", base+"/v1/kv/k", "v2", time.Second)
	require.False(t, err == nil && code == http.StatusOK, "a write committed with every Raft link cut")

	for _, p := range proxies {
		p.Heal()
	}
	requirePut(t, base, "k", "v3")
	requireValue(t, "http://"+httpAddrs[1], "k", "v3")
}

// requirePut polls PUT key=value until it is acknowledged.
func requirePut(t *testing.T, base, key, value string) {
	t.Helper()
	require.Eventually(t, func() bool {
		code, _, err := httpDo("PUT", base+"/v1/kv/"+key, value, 2*time.Second)
		return err == nil && code == http.StatusOK
	}, startupTimeout, 20*time.Millisecond, "PUT %s=%s never succeeded", key, value)
}
