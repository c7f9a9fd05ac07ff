// Command treekv runs a whole treekv system in one process: the default way
// to try it. With no flags it starts the controller (API and live dashboard
// on http://127.0.0.1:8080, Raft on 127.0.0.1:9100) and 3 storage nodes
// that join it (HTTP on 127.0.0.1:9001-9003, Raft on 127.0.0.1:9101-9103);
// the controller places 8 hash partitions of 3 replicas each on them. In
// front of the nodes it runs the load balancer (the data API and a live
// status page on http://127.0.0.1:8081), which learns the nodes and leaders
// from the controller, and the client web UI (http://127.0.0.1:8082), whose
// calls go through the balancer. It keeps everything in ./treekv-data,
// prints where to reach each server and runs until SIGINT or SIGTERM, then
// shuts down gracefully: the UI, the balancer, then the nodes and the
// controller. Run it again on the same -data-dir to resume.
//
// cmd/controller runs the same controller and embedded nodes on its own,
// and can also run a controller alone; cmd/load-balancer and cmd/client run
// the balancer and the UI on their own.
package main

import (
	"context"
	"io"
	"os"

	"github.com/treekv/kv/cmd/internal/cli"
	"github.com/treekv/kv/cmd/internal/local"
)

func main() {
	cli.Main("treekv", parseConfig, func(ctx context.Context, cfg config) error {
		return run(ctx, cfg, os.Stdout)
	})
}

// run starts the system, tells out where to reach it, and serves until ctx
// ends; then it stops every server and waits for them.
func run(ctx context.Context, cfg config, out io.Writer) error {
	return local.Run(ctx, cfg.allInOne(), cli.Logger(cfg.logLevel), out)
}
