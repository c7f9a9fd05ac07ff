package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"time"
)

// startRedis starts one redis-server with an append-only file fsynced
// before every write is acknowledged (appendonly yes, appendfsync always).
func (l *launcher) startRedis(ctx context.Context, c *cluster, dir string) error {
	addrs, err := freeAddrs(1)
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(addrs[0])
	args := []string{"--bind", "127.0.0.1", "--port", port, "--dir", dir,
		"--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--loglevel", "warning"}
	if err := c.launch(dir, "redis", l.cfg.redisBin, args...); err != nil {
		return err
	}
	c.endpoints = addrs
	return c.waitReady(ctx, func(ctx context.Context) error { return redisPing(ctx, addrs[0]) })
}

// redisPing checks that the server at addr answers PING with PONG.
func redisPing(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: probeTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(probeTimeout)); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("redis at %s answered PING with %q", addr, strings.TrimSpace(line))
	}
	return nil
}
