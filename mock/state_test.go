package mock

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/spec"
)

func addons(t *testing.T) []spec.Plan {
	t.Helper()
	op, err := testDoc(t).Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	var out []spec.Plan
	for _, p := range op.Catalog {
		if !p.Base {
			out = append(out, p)
		}
	}
	require.Len(t, out, 30, "the spec (spec/addons.yaml): 30 add-on codes")
	return out
}

// TestEveryAddon adds every catalog add-on to the paid account in turn: each
// 201 is the whole set so far, with the new code at its catalog place and
// hosts echoed, and passes the spec; then each add again is "already has".
func TestEveryAddon(t *testing.T) {
	s := newServer(t, Config{})
	plans := addons(t)
	for i, p := range plans {
		q := req{body: plain(p.Code, i+1)}
		got := call(t, s, q)
		require.Equal(t, 201, got.status, "%s: %s", p.Code, got.body)
		require.Empty(t, responseProblems(t, q, got), "%s: %s", p.Code, got.body)
		body := decode(t, got.body)
		for j, held := range plans[:i+1] {
			if !holds(body, held, j+1) {
				t.Errorf("after adding %s: the 201 lacks %s (hosts %d) at %s: %s", p.Code, held.Code, j+1, held.Place, got.body)
			}
		}
		base := map[string]any{"type": "yearly", "hosts": 20.0, "increasing_hosts": 0.0}
		if diff := cmp.Diff(base, body["plan_base"]); diff != "" {
			t.Errorf("plan_base changed (-want +got):\n%s", diff)
		}
	}
	for _, p := range plans {
		got := call(t, s, req{body: plain(p.Code, 1)})
		if diff := cmp.Diff(outcome{400, 2100, fmt.Sprintf(msgAlreadyFmt, p.Code)}, outcomeOf(got, true)); diff != "" {
			t.Errorf("second add of %s (-want +got):\n%s", p.Code, diff)
		}
	}
}

// holds reports whether a decoded 201 body has code at its place, with hosts
// where the place has hosts.
func holds(body map[string]any, p spec.Plan, hosts int) bool {
	want := map[string]any{"type": p.Code}
	if p.Hosts {
		want["hosts"] = float64(hosts)
	}
	switch v := valueAt(body, p.Place).(type) {
	case string:
		return v == p.Code
	case map[string]any:
		return cmp.Equal(want, v)
	case []any:
		for _, e := range v {
			if cmp.Equal(want, e) {
				return true
			}
		}
	}
	return false
}

func TestInitialPlanSets(t *testing.T) {
	tests := []struct {
		name    string
		account string
		place   string
		want    any
	}{
		{"paid base", fx.Accounts.Paid, "plan_base", map[string]any{"type": "yearly", "hosts": 20.0, "increasing_hosts": 0.0}},
		{"paid no rooms", fx.Accounts.Paid, "plan_zoom_rooms", nil},
		{"rooms base", fx.Accounts.RoomsBase, "plan_zoom_rooms", map[string]any{"type": "zroom_base_annual", "hosts": 10.0}},
		{"has addon", fx.Accounts.HasAddon, "plan_webinar", []any{map[string]any{"type": fx.HasAddonPlan, "hosts": 10.0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, newServer(t, Config{}), req{account: tt.account, body: plain("zwb_monthly", 1)})
			require.Equal(t, 201, got.status, "%s", got.body)
			if diff := cmp.Diff(tt.want, valueAt(decode(t, got.body), tt.place)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.place, diff)
			}
		})
	}
}

func TestStateIsPerAccount(t *testing.T) {
	s := newServer(t, Config{})
	body := plain("zwb_monthly", 3)
	require.Equal(t, 201, call(t, s, req{body: body}).status)
	require.Equal(t, 2100, call(t, s, req{body: body}).code)
	require.Equal(t, 201, call(t, s, req{account: fx.Accounts.HasAddon, body: body}).status, "another account is untouched")
	require.Equal(t, 201, call(t, newServer(t, Config{}), req{body: body}).status, "a fresh server starts afresh")
}

func TestPhoneForm(t *testing.T) {
	const (
		base    = `"plan_base":{"type":"phone_payongo"}`
		calling = `"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited","hosts":2}]`
		number  = `"plan_number":[{"type":"phone_toll_free_number_usca_monthly","hosts":3}]`
	)
	phone := func(parts ...string) string {
		b := `{"plan_details":{`
		for i, p := range parts {
			if i > 0 {
				b += ","
			}
			b += p
		}
		return b + `}}`
	}
	already := func(code string) outcome { return outcome{400, 2100, fmt.Sprintf(msgAlreadyFmt, code)} }
	steps := []struct {
		reason string
		body   string
		want   outcome
	}{
		{"adds plan_number alone", phone(number), outcome{Status: 201}},
		{"plan_number is held", phone(number), already("phone_toll_free_number_usca_monthly")},
		{"adds plan_calling", phone(calling), outcome{Status: 201}},
		{"plan_calling named before plan_number, whatever the key order", phone(number, calling), already("phone_calling_usca_monthly_unlimited")},
		{"a held code blocks the whole body", phone(base, number), already("phone_toll_free_number_usca_monthly")},
		{"adds plan_base alone", phone(base), outcome{Status: 201}},
		{"plan_base named first", phone(number, calling, base), already("phone_payongo")},
	}
	s := newServer(t, Config{})
	for _, st := range steps {
		q := req{body: st.body}
		got := call(t, s, q)
		if diff := cmp.Diff(st.want, outcomeOf(got, st.want.Message != "")); diff != "" {
			t.Fatalf("%s (-want +got):\n%s\nbody: %s", st.reason, diff, got.body)
		}
		require.Empty(t, responseProblems(t, q, got))
	}

	t.Run("all three at once", func(t *testing.T) {
		got := call(t, newServer(t, Config{}), req{body: phone(base, calling, number)})
		require.Equal(t, 201, got.status, "%s", got.body)
		want := map[string]any{
			"plan_base":    map[string]any{"type": "phone_payongo"},
			"plan_calling": []any{map[string]any{"type": "phone_calling_usca_monthly_unlimited", "hosts": 2.0}},
			"plan_number":  []any{map[string]any{"type": "phone_toll_free_number_usca_monthly", "hosts": 3.0}},
		}
		if diff := cmp.Diff(want, decode(t, got.body)["plan_phone"]); diff != "" {
			t.Errorf("plan_phone (-want +got):\n%s", diff)
		}
	})
}

func TestCustomFixtures(t *testing.T) {
	custom := fx
	custom.Tokens.Master = "other-master"
	custom.Accounts.Paid = "acct-42"
	custom.Accounts.HasAddon = "acct-43"
	custom.HasAddonPlan = "zwr_monthly"
	s := newServer(t, Config{Fixtures: &custom})
	auth := "Bearer other-master"
	require.Equal(t, 201, call(t, s, req{auth: auth, account: "acct-42", body: validBody}).status)
	require.Equal(t, 401, call(t, s, req{account: "acct-42", body: validBody}).status, "the shipped master token is not served")
	require.Equal(t, 404, call(t, s, req{auth: auth, account: fx.Accounts.Paid, body: validBody}).status, "the shipped paid id is not served")
	got := call(t, s, req{auth: auth, account: "acct-43", body: plain("zwr_monthly", 1)})
	require.Equal(t, fmt.Sprintf(msgAlreadyFmt, "zwr_monthly"), got.message)
}

func TestRateLimit(t *testing.T) {
	s := newServer(t, Config{Rate: 2})
	now := time.Unix(1000, 0)
	s.limit.now = func() time.Time { return now }

	// A text/plain POST is stateless: past the rate check it answers 415.
	get := req{ctype: "text/plain", body: "x"}
	require.Equal(t, 415, call(t, s, get).status)
	require.Equal(t, 415, call(t, s, get).status, "burst is max(1, rate) = 2")
	got := call(t, s, get)
	require.Equal(t, 429, got.status)
	require.Equal(t, 429, got.code)
	require.NotEmpty(t, got.message)
	require.Equal(t, "1", got.header.Get("Retry-After"))
	require.Equal(t, "application/json", got.header.Get("Content-Type"))
	require.Equal(t, 405, call(t, s, req{method: "GET"}).status, "the route answers before the rate check")

	// A 429 to a POST is a documented answer of the operation.
	post := req{body: validBody}
	got = call(t, s, post)
	require.Equal(t, 429, got.status)
	require.Empty(t, responseProblems(t, post, got))

	require.Equal(t, 415, call(t, s, req{ctype: "text/plain", auth: "Bearer " + fx.Tokens.VolumeLicense}).status, "each token has its own bucket")

	now = now.Add(500 * time.Millisecond)
	require.Equal(t, 415, call(t, s, get).status, "half a second refills one token at 2/s")
	require.Equal(t, 429, call(t, s, get).status)

	t.Run("slow rate", func(t *testing.T) {
		s := newServer(t, Config{Rate: 0.1})
		s.limit.now = func() time.Time { return now }
		require.Equal(t, 415, call(t, s, get).status)
		got := call(t, s, get)
		require.Equal(t, 429, got.status)
		sec, err := strconv.Atoi(got.header.Get("Retry-After"))
		require.NoError(t, err)
		require.Equal(t, 10, sec, "one token every 10 s")
	})
	t.Run("off by default", func(t *testing.T) {
		s := newServer(t, Config{})
		for i := 0; i < 100; i++ {
			require.Equal(t, 415, call(t, s, get).status)
		}
	})
	t.Run("no token shares a bucket", func(t *testing.T) {
		s := newServer(t, Config{Rate: 1})
		s.limit.now = func() time.Time { return now }
		require.Equal(t, 401, call(t, s, req{auth: "-", body: validBody}).status)
		require.Equal(t, 429, call(t, s, req{auth: "Bearer made-up", body: validBody}).status)
		require.Equal(t, 201, call(t, s, req{body: validBody}).status, "the master's bucket is its own")
	})
}

// The unknown_user token's limit is a count in a fixed window: the
// limit's requests pass whatever their timing inside the window, the next
// one answers 429 with Retry-After 0 and ends the window, so the count
// starts again at once (a second run against the same server meets the
// limit where the first did); a window that runs out starts over too.
// Other tokens never meet it.
func TestUnknownUserLimit(t *testing.T) {
	unknown := req{auth: "Bearer " + fx.Tokens.UnknownUser, body: validBody}
	tests := []struct {
		name, reason string
		limit        int
		passing      int // requests answered 404/1001 before the first 429; -1 = never limited
	}{
		{"default", "Config's zero value limits the token to DefaultUnknownUserLimit a window", 0, DefaultUnknownUserLimit},
		{"explicit", "a positive limit is taken as given", 3, 3},
		{"off", "a negative limit turns it off", -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, Config{UnknownUserLimit: tt.limit})
			now := time.Unix(1000, 0)
			if s.quota != nil {
				s.quota.now = func() time.Time { return now }
			}
			n := tt.passing
			if n < 0 {
				n = 3 * DefaultUnknownUserLimit
			}
			for i := 0; i < n; i++ {
				now = now.Add(time.Second) // timing inside the window does not matter
				require.Equal(t, 404, call(t, s, unknown).status, "%s: request %d", tt.reason, i+1)
			}
			if tt.passing < 0 {
				return
			}
			got := call(t, s, unknown)
			require.Equal(t, 429, got.status, tt.reason)
			require.Empty(t, responseProblems(t, unknown, got), "a documented answer")
			require.Equal(t, "0", got.header.Get("Retry-After"), "the 429 ended the window")
			require.Equal(t, 201, call(t, s, req{body: validBody}).status, "the master token is not limited")
			for i := 0; i < tt.passing; i++ {
				require.Equal(t, 404, call(t, s, unknown).status, "a new window: request %d", i+1)
			}
			require.Equal(t, 429, call(t, s, unknown).status, "met again at the same count")
			now = now.Add(UnknownUserWindow)
			require.Equal(t, 404, call(t, s, unknown).status, "a window that ran out starts over")
		})
	}
}

// TestConcurrentClients runs parallel clients against one server: under
// -race, and with exactly one 201 per (account, code) however they interleave.
func TestConcurrentClients(t *testing.T) {
	s := newServer(t, Config{})
	codes := []string{"large500_monthly", "zwb_monthly", "zmesh_monthly", "cmr_monthly_commitment_40", "zcc_pay_as_you_go", "zroom_monthly", "phone_payongo"}
	accounts := []string{fx.Accounts.Paid, fx.Accounts.RoomsBase, fx.Accounts.HasAddon}
	const workers, perWorker = 8, 50
	type key struct{ account, code string }
	var mu sync.Mutex
	created := map[key]int{}
	other := map[int]int{}
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				k := key{accounts[(g+i)%len(accounts)], codes[(g*3+i)%len(codes)]}
				got := call(t, s, req{account: k.account, body: plain(k.code, 1+i)})
				mu.Lock()
				switch got.status {
				case 201:
					created[k]++
				default:
					other[got.code]++
				}
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	for k, n := range created {
		if n != 1 {
			t.Errorf("%s on %s: %d answers 201, want exactly 1", k.code, k.account, n)
		}
	}
	// Every pair was tried; rooms_base never gets zroom_monthly.
	want := len(codes)*len(accounts) - 1
	require.Len(t, created, want)
	require.Equal(t, workers*perWorker, len(created)+other[2100], "every other answer is a 2100: %v", other)

	// The final state holds every code once.
	got := call(t, s, req{body: plain("zwr_monthly", 1)})
	require.Equal(t, 201, got.status)
	body := decode(t, got.body)
	require.Len(t, valueAt(body, "plan_large_meeting[]"), 1)
}
