package vod

import (
	"math/rand/v2"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

var simTrace = false

// simProcess is one provider process in a simulated tenant: its budget for
// the API simulated and its work.
type simProcess struct {
	b        *budget
	requests int // to send in all
	start    time.Duration
	started  int
	done     time.Time
}

// simRequest is one request's life, as the events of the simulation.
type simRequest struct {
	at      time.Time
	proc    int
	pass    pass
	placed  bool // its slot came: confirm and send
	attempt int
	answer  bool // the gateway's answer arrives
	refusal string
	// after is how long the worker waits after the answer before its next
	// request (a create's task duration, Terraform's own work).
	after time.Duration
}

// simTenant runs processes that share one quota gate on a simulated clock:
// each keeps `parallelism` requests going (Terraform's -parallelism), every
// request takes latency to answer, and a worker starts its next request
// `after` its answer. It returns each process's finishing time from the
// start and the 429s.
func simTenant(t *testing.T, procs []*simProcess, quota emulator.Quota, method string, parallelism int, after time.Duration) ([]time.Duration, int) {
	t.Helper()
	const latency = 30 * time.Millisecond
	now := epoch
	rng := rand.New(rand.NewPCG(1, 2))
	clock := func() time.Time { return now }
	for _, p := range procs {
		p.b.now, p.b.adaptive.now, p.b.jitter = clock, clock, rng.Float64
	}
	gate := emulator.NewQuotaGate(quota)
	var queue []simRequest
	blocked := map[int][]simRequest{}
	push := func(r simRequest) { queue = append(queue, r) }
	for i, p := range procs {
		for range min(parallelism, p.requests) {
			p.started++
			push(simRequest{at: epoch.Add(p.start), proc: i, attempt: 1, after: after})
		}
	}
	refused, steps := 0, 0
	for len(queue) > 0 {
		if steps++; steps > 1e6 {
			t.Fatal("the simulation does not end")
		}
		sort.SliceStable(queue, func(i, j int) bool { return queue[i].at.Before(queue[j].at) })
		r := queue[0]
		queue = queue[1:]
		now = r.at
		p := procs[r.proc]
		switch {
		case r.answer:
			got, stated := served, Throttle{}
			if r.refusal != "" {
				refused++
				got = throttled
				stated, _ = parseThrottle("APIGW.0308", r.refusal)
			}
			p.b.observe(r.pass, got, stated, nil, 0)
			for _, w := range blocked[r.proc] { // an answer may free a place
				w.at = now
				push(w)
			}
			delete(blocked, r.proc)
			switch {
			case r.refusal != "": // retried: the budget holds it until the window can have freed
				push(simRequest{at: now, proc: r.proc, pass: pass{adaptive: r.pass.adaptive}, attempt: r.attempt + 1, after: r.after})
			case p.started < p.requests:
				p.started++
				push(simRequest{at: now.Add(r.after), proc: r.proc, attempt: 1, after: r.after})
				fallthrough
			default:
				p.done = maxTime(p.done, now.Add(r.after))
			}
		case r.placed:
			if !p.b.confirm(r.pass) {
				push(simRequest{at: now, proc: r.proc, pass: r.pass, attempt: r.attempt, after: r.after})
				continue
			}
			refusal, ok := gate.Admit(method, now)
			if ok {
				refusal = ""
			}
			if simTrace {
				t.Logf("%8.3f proc %d attempt %d ok %v", now.Sub(epoch).Seconds(), r.proc, r.attempt, ok)
			}
			push(simRequest{at: now.Add(latency), proc: r.proc, pass: r.pass, answer: true, refusal: refusal, attempt: r.attempt, after: r.after})
		default:
			slot, next, freed, err := p.b.step(r.pass, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if freed != nil {
				blocked[r.proc] = append(blocked[r.proc], r)
				continue
			}
			push(simRequest{at: slot, proc: r.proc, pass: next, placed: true, attempt: r.attempt, after: r.after})
		}
	}
	walls := make([]time.Duration, len(procs))
	for i, p := range procs {
		walls[i] = p.done.Sub(epoch.Add(p.start))
	}
	return walls, refused
}

// newSimProcesses makes n processes of `requests` each, whose budgets are
// the client's for queries (spread) or creates.
func newSimProcesses(n, requests int, spread bool) []*simProcess {
	procs := make([]*simProcess, n)
	for i := range procs {
		procs[i] = &simProcess{b: newBudget("query", newLimiter(0), newSpacing(0)), requests: requests}
		procs[i].b.spread = spread
	}
	return procs
}

// TestBudgetConvergesForPipelinesSharingAWindow is the three
// pipelines on one tenant, on a simulated clock: each plan reads 40 data
// sources at parallelism 10 against 100 queries a minute. The floor is one
// window: 100 reads in the first, 20 once it frees.
func TestBudgetConvergesForPipelinesSharingAWindow(t *testing.T) {
	walls, throttled := simTenant(t, newSimProcesses(3, 40, true), emulator.Quota{QueriesPerMinute: 100}, http.MethodGet, 10, 0)
	slowest := max(walls[0], walls[1], walls[2])
	t.Logf("3 plans × 40 reads at 100/min: %v, %d answers of 429", walls, throttled)
	if floor := time.Minute; slowest > floor*5/4 {
		t.Errorf("the slowest plan took %s, over 1.25× the %s floor", slowest, floor)
	}
	if throttled > 3*10*3 { // a window's worth of requests in flight per process, a few times
		t.Errorf("%d answers of 429: the pace does not converge", throttled)
	}
	// Started 10 s apart, the later plans wait for the window the earlier
	// ones opened: none waits more than a window past its own floor.
	procs := newSimProcesses(3, 40, true)
	procs[1].start, procs[2].start = 10*time.Second, 20*time.Second
	walls, throttled = simTenant(t, procs, emulator.Quota{QueriesPerMinute: 100}, http.MethodGet, 10, 0)
	t.Logf("the same started 0, 10 and 20 s: %v, %d answers of 429", walls, throttled)
	if last := procs[2].done.Sub(epoch); last > 75*time.Second {
		t.Errorf("the last plan ended %s after the first began, over 1.25× the one-window floor", last)
	}
}

// TestBudgetCreatesPaceToTheStatedWindow is the 30 creates of one
// apply at parallelism 10, each task ending 20 s after its create, against
// 10 creates a minute: the floor is 10 now, 10 after 60 s, 10 after 120 s,
// plus 20 s.
func TestBudgetCreatesPaceToTheStatedWindow(t *testing.T) {
	procs := newSimProcesses(1, 30, false)
	walls, throttled := simTenant(t, procs, emulator.Quota{CreatesPerMinute: 10}, http.MethodPost, 10, 20*time.Second)
	t.Logf("30 creates at 10/min: %s, %d answers of 429", walls[0], throttled)
	if floor := 140 * time.Second; walls[0] > floor*21/20 {
		t.Errorf("30 creates took %s, over 1.05× the %s floor", walls[0], floor)
	}
	if throttled > 10 { // the creates sent before the first 429 stated the window
		t.Errorf("%d answers of 429, want at most the 10 sent together before the window was known", throttled)
	}
}
