package part

import "testing"

func BenchmarkHash64(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Hash64("{user:42}.profile.settings")
	}
}

func BenchmarkLocateHash(b *testing.B) {
	m := mustPlan(b, PlanConfig{Partitions: 256, Nodes: testNodes(5)})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Locate("{user:42}.profile.settings"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLocateRange(b *testing.B) {
	m := mustPlan(b, PlanConfig{Partitioner: KindRange, SplitKeys: []string{"d", "h", "l", "p", "t", "x"}, Nodes: testNodes(3)})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Locate("orders/2024/0001"); err != nil {
			b.Fatal(err)
		}
	}
}
