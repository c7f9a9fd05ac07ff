package part_test

import (
	"fmt"

	"github.com/treekv/kv/node/part"
)

// Plan places 6 hash partitions on 3 nodes; Locate finds where a key lives.
// Keys sharing a {tag} live together.
func ExamplePlan() {
	m, err := part.Plan(part.PlanConfig{
		Partitions: 6,
		Nodes: []part.NodeInfo{
			{ID: "n1", HTTPAddr: "n01.test:9000", RaftAddr: "n01.test:9100"},
			{ID: "n2", HTTPAddr: "n02.test:9000", RaftAddr: "n02.test:9100"},
			{ID: "n3", HTTPAddr: "n03.test:9000", RaftAddr: "n03.test:9100"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, key := range []string{"{user:42}.name", "{user:42}.cart"} {
		p, err := m.Locate(key)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: partition %d, replicas %v, preferred leader %s\n", key, p.ID, p.Replicas, p.Replicas[0])
	}
	// Output:
	// {user:42}.name: partition 4, replicas [n1 n2 n3], preferred leader n1
	// {user:42}.cart: partition 4, replicas [n1 n2 n3], preferred leader n1
}
