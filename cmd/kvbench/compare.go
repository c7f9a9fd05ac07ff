package main

import (
	"context"
	"fmt"
	"io"
)

// runCompare runs the matrix against every target in turn, each started on
// its own and stopped before the next, then prints the table of medians.
func runCompare(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	cells := matrixCells(cfg)
	var all []result
	for _, target := range cfg.targets {
		results, err := runTarget(ctx, cfg, target, cells, stdout, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", target, err)
		}
		all = append(all, results...)
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, describeRun(cfg))
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, renderTable(summarizeAll(all), tableLayout{
		workloads: cfg.workloads, clients: cfg.compareClients, targets: cfg.targets}))
	return nil
}

// matrixCells lists the cells of -compare: the whole matrix once per
// repetition, so that the runs of a cell are spread over the target's time.
func matrixCells(cfg config) []cellPlan {
	var cells []cellPlan
	for r := 1; r <= cfg.repeat; r++ {
		for _, name := range cfg.workloads {
			w, _ := lookupWorkload(name)
			for _, n := range cfg.compareClients {
				cells = append(cells, cellPlan{workload: w, clients: n, repeat: r})
			}
		}
	}
	return cells
}
