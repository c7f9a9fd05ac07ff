package local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clientui"
)

// readyPoll is how often startFront looks whether the balancer has learned
// the nodes from the controller.
const readyPoll = 20 * time.Millisecond

// Fronts are the listen addresses of the servers that run in front of the
// cluster; empty for one that does not run.
type Fronts struct {
	// Balancer serves the data API, forwarded to the nodes, and the
	// balancer's status page at "/".
	Balancer string
	// UI serves the client web UI, whose calls go through the balancer.
	UI string
}

// front is the balancer and the client UI, each on its own HTTP server.
// Any of them may be nil: not asked for, or not started yet.
type front struct {
	balancer    *kv.Balancer
	balancerSrv *httpServer
	ui          *clientui.Server
	uiSrv       *httpServer
}

// startFront starts what cfg asks for in front of cluster: the balancer on
// cfg.BalancerAddr, watching cluster's controller, and once it knows a
// healthy node, the client UI on cfg.UIAddr calling it. On error it stops
// what it started.
func startFront(ctx context.Context, cfg Config, cluster *kv.LocalCluster, logger *slog.Logger) (*front, error) {
	f := &front{}
	if cfg.BalancerAddr == "" {
		return f, nil
	}
	err := f.startBalancer(ctx, cfg.BalancerAddr, cluster, logger)
	if err == nil && cfg.UIAddr != "" {
		err = f.startUI(cfg.UIAddr, logger)
	}
	if err != nil {
		return nil, errors.Join(err, f.stop())
	}
	return f, nil
}

// startBalancer serves a balancer on addr that learns the nodes and leaders
// from cluster's controller, and waits until it has a healthy backend.
func (f *front) startBalancer(ctx context.Context, addr string, cluster *kv.LocalCluster, logger *slog.Logger) error {
	bal, err := kv.NewBalancer(kv.BalancerConfig{
		Controller: "http://" + dialAddr(cluster.Controller().HTTPAddr()),
		Logger:     logger.With("server", "balancer"),
	})
	if err != nil {
		return fmt.Errorf("balancer: %w", err)
	}
	f.balancer = bal
	if f.balancerSrv, err = listenAndServe(addr, bal, logger); err != nil {
		return fmt.Errorf("balancer: %w", err)
	}
	return waitBalancer(ctx, bal)
}

// waitBalancer returns once bal has a healthy backend, which it learns from
// the controller's first cluster view, or an error after StartTimeout.
func waitBalancer(ctx context.Context, bal *kv.Balancer) error {
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	for bal.Status().HealthyBackends == 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("balancer: no healthy node learned from the controller: %w", ctx.Err())
		case <-tick.C:
		}
	}
	return nil
}

// startUI serves the client UI on addr, calling the balancer.
func (f *front) startUI(addr string, logger *slog.Logger) error {
	ui, err := clientui.New(clientui.Config{
		Endpoints: []string{"http://" + dialAddr(f.balancerSrv.addr())},
		Logger:    logger.With("server", "client-ui"),
	})
	if err != nil {
		return fmt.Errorf("client UI: %w", err)
	}
	f.ui = ui
	if f.uiSrv, err = listenAndServe(addr, ui, logger); err != nil {
		return fmt.Errorf("client UI: %w", err)
	}
	return nil
}

// addrs names where the front's servers listen.
func (f *front) addrs() Fronts {
	var a Fronts
	if f.balancerSrv != nil {
		a.Balancer = f.balancerSrv.addr()
	}
	if f.uiSrv != nil {
		a.UI = f.uiSrv.addr()
	}
	return a
}

// stop shuts down the UI, then the balancer, each server letting its
// requests in flight finish first.
func (f *front) stop() error {
	var errs []error
	if f.uiSrv != nil {
		errs = append(errs, f.uiSrv.shutdown())
	}
	if f.ui != nil {
		f.ui.Close()
	}
	if f.balancerSrv != nil {
		errs = append(errs, f.balancerSrv.shutdown())
	}
	if f.balancer != nil {
		f.balancer.Close()
	}
	return errors.Join(errs...)
}

// dialAddr is hostport with a wildcard host replaced by the loopback
// address of its family, so that this process can connect to it.
func dialAddr(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil || !ip.IsUnspecified():
		return hostport
	case ip.To4() != nil:
		return net.JoinHostPort("127.0.0.1", port)
	}
	return net.JoinHostPort("::1", port)
}
