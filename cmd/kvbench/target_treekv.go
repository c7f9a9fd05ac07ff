package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	kv "github.com/treekv/kv"
)

// kvStore loads treekv through the root package's kv.Client: retries,
// idempotency keys and endpoint rotation included, as a Go program gets,
// and with a controller, routing to each partition's leader.
type kvStore struct {
	c    *kv.Client
	opts kv.ReadOptions
}

// openKVStore returns a kvStore with a connection pool as large as the
// number of workers: over cfg's endpoints, or with a controller, over the
// nodes of its map, each request sent to its partition's leader (every call
// waits for the first map).
func openKVStore(cfg storeConfig) (*kvStore, error) {
	kc := kv.ClientConfig{Endpoints: cfg.endpoints, HTTPClient: newHTTPClient(cfg.clients), MaxBatch: cfg.treekv.maxBatch}
	if cfg.treekv.controller != "" {
		kc.Endpoints, kc.Controller = nil, cfg.treekv.controller
	}
	c, err := kv.NewClient(kc)
	if err != nil {
		return nil, err
	}
	return &kvStore{c: c, opts: kv.ReadOptions{Stale: cfg.stale}}, nil
}

// Put writes key through kv.Client.Put.
func (s *kvStore) Put(ctx context.Context, key string, value []byte) error {
	_, err := s.c.Put(ctx, key, value)
	return err
}

// Get reads key through kv.Client.GetWith.
func (s *kvStore) Get(ctx context.Context, key string) (bool, error) {
	_, err := s.c.GetWith(ctx, key, s.opts)
	if errors.Is(err, kv.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Close closes the client's idle connections.
func (s *kvStore) Close() error {
	s.c.Close()
	return nil
}

// httpStore loads treekv's HTTP data API with a plain net/http client: one
// attempt per operation, no idempotency key, endpoints in turn.
type httpStore struct {
	hc        *http.Client
	endpoints []string // base URLs without a trailing slash
	query     string   // "" or "?consistency=stale"
	next      atomic.Uint64
}

// openHTTPStore returns an httpStore over cfg's endpoints.
func openHTTPStore(cfg storeConfig) (*httpStore, error) {
	s := &httpStore{hc: newHTTPClient(cfg.clients)}
	for _, e := range cfg.endpoints {
		if !strings.Contains(e, "://") {
			e = "http://" + e
		}
		s.endpoints = append(s.endpoints, strings.TrimSuffix(e, "/"))
	}
	if len(s.endpoints) == 0 {
		return nil, errors.New("treekv: no endpoints")
	}
	if cfg.stale {
		s.query = "?consistency=stale"
	}
	return s, nil
}

// url returns the URL of key on the next endpoint. Keys of the keyspace
// need no escaping.
func (s *httpStore) url(key, query string) string {
	base := s.endpoints[s.next.Add(1)%uint64(len(s.endpoints))]
	return base + "/v1/kv/" + key + query
}

// Put sends PUT /v1/kv/{key}.
func (s *httpStore) Put(ctx context.Context, key string, value []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, s.url(key, ""), bytes.NewReader(value))
	if err != nil {
		return err
	}
	_, err = s.do(req)
	return err
}

// Get sends GET /v1/kv/{key}, with ?consistency=stale when asked.
func (s *httpStore) Get(ctx context.Context, key string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url(key, s.query), nil)
	if err != nil {
		return false, err
	}
	code, err := s.do(req)
	return code == http.StatusOK, err
}

// do sends req and reads the whole answer, so its connection is reused. A
// 404 is no error; any other status but 200 is.
func (s *httpStore) do(req *http.Request) (int, error) {
	resp, err := s.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
		return resp.StatusCode, fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, strings.TrimSpace(string(body)))
	}
	return resp.StatusCode, nil
}

// Close closes the idle connections.
func (s *httpStore) Close() error {
	s.hc.CloseIdleConnections()
	return nil
}

// newHTTPClient returns an HTTP/1.1 client that keeps up to conns idle
// connections per host, so every worker reuses its connection.
func newHTTPClient(conns int) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		DialContext:         dialer.DialContext,
		MaxIdleConns:        0, // no limit
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}
}
