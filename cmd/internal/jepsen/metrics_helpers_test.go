package jepsen_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// scrapeCounter adds up the samples of series (a metric's name, followed
// by "{" to take its labelled samples or by " " for an unlabelled one)
// whose line contains label, in the /metrics of the node at base, asking
// with hc.
func scrapeCounter(ctx context.Context, hc *http.Client, base, series, label string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d: %v", resp.StatusCode, err)
	}
	return sumSeries(string(body), series, label)
}

// sumSeries adds up the samples of series whose line contains label in a
// Prometheus text exposition.
func sumSeries(text, series, label string) (int, error) {
	total := 0
	for line := range strings.Lines(text) {
		if !strings.HasPrefix(line, series) || !strings.Contains(line, label) {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("metric line %q: %w", strings.TrimSpace(line), err)
		}
		total += int(v)
	}
	return total, nil
}
