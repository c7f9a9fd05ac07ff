package main

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// clientsPerEtcdConn is how many workers share one gRPC connection when
// -etcd-conns is 0, as etcd's own benchmark tool spreads its clients over
// a few connections.
const clientsPerEtcdConn = 16

// etcdStore loads etcd through its native Go client: Put, and Get
// linearizable by default or serializable for stale reads. Workers share a
// few gRPC connections, each multiplexing their requests.
type etcdStore struct {
	conns   []*clientv3.Client
	getOpts []clientv3.OpOption
	next    atomic.Uint64
}

// openEtcdStore dials cfg's endpoints once per connection.
func openEtcdStore(cfg storeConfig) (*etcdStore, error) {
	s := &etcdStore{}
	if cfg.stale {
		s.getOpts = []clientv3.OpOption{clientv3.WithSerializable()}
	}
	for range etcdConns(cfg) {
		c, err := clientv3.New(clientv3.Config{Endpoints: cfg.endpoints, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
		if err != nil {
			return nil, errors.Join(err, s.Close())
		}
		s.conns = append(s.conns, c)
	}
	return s, nil
}

// etcdConns is the number of gRPC connections for cfg.
func etcdConns(cfg storeConfig) int {
	if cfg.etcd.conns > 0 {
		return cfg.etcd.conns
	}
	return max(1, (cfg.clients+clientsPerEtcdConn-1)/clientsPerEtcdConn)
}

// conn returns the next connection in turn.
func (s *etcdStore) conn() *clientv3.Client {
	return s.conns[s.next.Add(1)%uint64(len(s.conns))]
}

// Put writes key with clientv3's Put.
func (s *etcdStore) Put(ctx context.Context, key string, value []byte) error {
	_, err := s.conn().Put(ctx, key, string(value))
	return err
}

// Get reads key with clientv3's Get.
func (s *etcdStore) Get(ctx context.Context, key string) (bool, error) {
	resp, err := s.conn().Get(ctx, key, s.getOpts...)
	if err != nil {
		return false, err
	}
	return len(resp.Kvs) > 0, nil
}

// Close closes every connection.
func (s *etcdStore) Close() error {
	var errs []error
	for _, c := range s.conns {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}
