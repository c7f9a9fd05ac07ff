package controller

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// nodeAPI calls the admin API of storage nodes.
type nodeAPI struct {
	client *http.Client
}

// nodeCallTimeout bounds one admin call; a membership change waits for a
// Raft commit.
const nodeCallTimeout = 10 * time.Second

func newNodeAPI() *nodeAPI {
	return &nodeAPI{client: &http.Client{Timeout: nodeCallTimeout}}
}

// call sends method path with body (JSON) to the node at addr and decodes a
// 2xx answer into out; any other answer becomes an error matching its code.
func (a *nodeAPI) call(ctx context.Context, addr, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+addr+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return node.Errorf(node.ErrUnavailable, "%s %s on %s: %v", method, path, addr, err)
	}
	defer resp.Body.Close()
	return decodeAnswer(resp, method, path, out)
}

func decodeAnswer(resp *http.Response, method, path string, out any) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return node.Errorf(node.ErrUnavailable, "%s %s: %v", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var eb node.ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Error.Code == "" {
			return node.Errorf(node.ErrInternal, "%s %s answered %s", method, path, resp.Status)
		}
		return node.Errorf(node.CodeError(eb.Error.Code), "%s %s: %s", method, path, eb.Error.Message)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

func (a *nodeAPI) putMap(ctx context.Context, addr string, m *part.Map) error {
	return a.call(ctx, addr, http.MethodPut, "/v1/admin/map", m, nil)
}

func (a *nodeAPI) createReplica(ctx context.Context, addr string, pid uint64, bootstrap bool) error {
	return a.call(ctx, addr, http.MethodPost, "/v1/admin/replicas", node.CreateReplicaRequest{Partition: pid, Bootstrap: bootstrap}, nil)
}

func (a *nodeAPI) removeReplica(ctx context.Context, addr string, pid uint64) error {
	return a.call(ctx, addr, http.MethodDelete, fmt.Sprintf("/v1/admin/replicas/%d", pid), nil, nil)
}

func (a *nodeAPI) changeMember(ctx context.Context, addr string, pid uint64, change node.MemberChange) error {
	return a.call(ctx, addr, http.MethodPost, fmt.Sprintf("/v1/admin/replicas/%d/members", pid), change, nil)
}

func (a *nodeAPI) transferLeader(ctx context.Context, addr string, pid uint64, to, raftAddr string) error {
	return a.call(ctx, addr, http.MethodPost, fmt.Sprintf("/v1/admin/replicas/%d/transfer-leader", pid),
		node.TransferRequest{To: to, RaftAddr: raftAddr}, nil)
}
