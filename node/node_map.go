package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/treekv/kv/node/part"
)

const mapFile = "map.json"

// Map returns a copy of the node's partition map, or nil before it has one.
func (n *Node) Map() *part.Map {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.pmap == nil {
		return nil
	}
	return n.pmap.Clone()
}

// SetMap installs a partition map. The map must be valid and at least as
// new as the current one (an older version fails with ErrConflict). With a
// data directory the map is saved before it takes effect.
func (n *Node) SetMap(m *part.Map) error {
	if err := m.Validate(); err != nil {
		return Errorf(ErrBadRequest, "invalid partition map: %v", err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pmap != nil && m.Version < n.pmap.Version {
		return Errorf(ErrConflict, "partition map version %d is older than the current %d", m.Version, n.pmap.Version)
	}
	m = m.Clone()
	if err := n.saveMap(m); err != nil {
		return Errorf(ErrInternal, "save partition map: %v", err)
	}
	n.pmap = m
	return nil
}

func (n *Node) saveMap(m *part.Map) error {
	if n.cfg.DataDir == "" {
		return nil
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(n.cfg.DataDir, 0o750); err != nil {
		return err
	}
	tmp := filepath.Join(n.cfg.DataDir, mapFile+".tmp")
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(n.cfg.DataDir, mapFile))
}

func (n *Node) loadMap() error {
	if n.cfg.DataDir == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(n.cfg.DataDir, mapFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var m part.Map
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("read %s: %w", mapFile, err)
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("read %s: %w", mapFile, err)
	}
	n.pmap = &m
	return nil
}

// currentMap returns the map without copying it; callers must not change it.
// SetMap replaces the map rather than changing it, so the result stays valid.
func (n *Node) currentMap() (*part.Map, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.pmap == nil {
		return nil, Errorf(ErrUnavailable, "node %s has no partition map yet", n.cfg.ID)
	}
	return n.pmap, nil
}
