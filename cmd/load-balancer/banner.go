package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/local"
)

// printBanner tells the user where the balancer answers, where it sends
// requests, and how to try it.
func printBanner(w io.Writer, listen string, s kv.BalancerStatus) {
	addr := local.CurlAddr(listen)
	fmt.Fprintf(w, "treekv load balancer is running, policy %s\n", s.Policy)
	fmt.Fprintf(w, "  status page  http://%s/\n", addr)
	fmt.Fprintf(w, "  listening    http://%s\n", listen)
	if s.Controller != "" {
		fmt.Fprintf(w, "  controller   %s (backends and leaders from its cluster view)\n", s.Controller)
	}
	var static []string
	for _, b := range s.Backends {
		static = append(static, b.URL)
	}
	if len(static) > 0 {
		fmt.Fprintf(w, "  backends     %s\n", strings.Join(static, " "))
	}
	fmt.Fprintf(w, "Try:\n")
	fmt.Fprintf(w, "  curl -X PUT %s/v1/kv/a -d 1\n", addr)
	fmt.Fprintf(w, "  curl %s/v1/kv/a\n", addr)
	fmt.Fprintf(w, "  curl '%s/v1/scan?prefix=a'\n", addr)
	fmt.Fprintf(w, "  curl %s/v1/backends\n", addr)
	fmt.Fprintf(w, "  curl %s/v1/status\n", addr)
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}
