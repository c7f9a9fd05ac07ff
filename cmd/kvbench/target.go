package main

import (
	"context"
	"fmt"
)

// store is what the load generator needs of a target: one client shared by
// every worker, so its methods must be safe for concurrent use.
type store interface {
	// Put sets key to value and returns once the target acknowledged it.
	Put(ctx context.Context, key string, value []byte) error
	// Get reads key with the consistency the store was opened with and
	// reports whether the key was there.
	Get(ctx context.Context, key string) (found bool, err error)
	// Close releases the store's connections.
	Close() error
}

// storeConfig is what opening a store needs.
type storeConfig struct {
	target    string
	endpoints []string
	stale     bool // reads may be served by any replica
	clients   int  // workers that will share the store
	treekv    treekvConfig
	etcd      etcdConfig
}

// openStore returns a client of cfg.target. It does not wait for the target
// to answer.
func openStore(cfg storeConfig) (store, error) {
	switch cfg.target {
	case targetTreekv:
		if cfg.treekv.client == clientKV {
			return openKVStore(cfg)
		}
		return openHTTPStore(cfg)
	case targetEtcd:
		return openEtcdStore(cfg)
	case targetRedis:
		return openRedisStore(cfg)
	}
	return nil, fmt.Errorf("unknown target %q", cfg.target)
}
