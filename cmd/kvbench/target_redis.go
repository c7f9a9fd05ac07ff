package main

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisStore loads one Redis server through go-redis: SET and GET, with a
// pool of one connection per worker. Redis has one copy of the data, so
// the read consistency makes no difference.
type redisStore struct {
	c *redis.Client
}

// openRedisStore returns a redisStore of cfg's one endpoint.
func openRedisStore(cfg storeConfig) (*redisStore, error) {
	if len(cfg.endpoints) != 1 {
		return nil, errors.New("redis: give exactly one endpoint")
	}
	addr := strings.TrimPrefix(cfg.endpoints[0], "redis://")
	c := redis.NewClient(&redis.Options{
		Addr:         addr,
		PoolSize:     cfg.clients,
		MinIdleConns: cfg.clients,
		DialTimeout:  5 * time.Second,
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 30 * time.Second,
		Protocol:     2,
	})
	return &redisStore{c: c}, nil
}

// Put writes key with SET.
func (s *redisStore) Put(ctx context.Context, key string, value []byte) error {
	return s.c.Set(ctx, key, value, 0).Err()
}

// Get reads key with GET.
func (s *redisStore) Get(ctx context.Context, key string) (bool, error) {
	err := s.c.Get(ctx, key).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	return err == nil, err
}

// Close closes the pool.
func (s *redisStore) Close() error { return s.c.Close() }
