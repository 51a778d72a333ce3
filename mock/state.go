package mock

import (
	"fmt"
	"strings"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/spec"
)

// roomsBaseType is the plan type the rooms_base account holds at the Zoom Rooms
// place: a base plan, deliberately not a catalog code.
const roomsBaseType = "zroom_base_annual"

// accountKind is the role of a fixture sub account.
type accountKind int

const (
	kindPaid accountKind = iota
	kindFree
	kindSelfPay
	kindRoomsBase
	kindHasAddon
)

// account is the state of one sub account: its plan set, shaped like a 201
// body, and the codes it holds. Guarded by Server.mu.
type account struct {
	kind  accountKind
	plans map[string]any
	held  map[string]bool
}

// placeKind says how a plan lands at its catalog place.
type placeKind int

const (
	placeObject placeKind = iota // the place is set to {type} or {hosts,type}
	placeArray                   // {type} or {hosts,type} is appended
	placeString                  // the place is set to the code itself
)

// place is a catalog place resolved against the 201 schema.
type place struct {
	keys  []string
	kind  placeKind
	hosts bool
}

// resolvePlace finds a catalog place ("plan_zcc.plan_usage[]") in the 201
// schema, so that the shape of what lands there comes from the spec.
func resolvePlace(schema *spec.Schema, p spec.Plan) (place, error) {
	if p.Place == "" {
		return place{}, fmt.Errorf("plan %s has no place", p.Code)
	}
	segs := strings.Split(p.Place, ".")
	pl := place{hosts: p.Hosts}
	cur := schema
	for i, seg := range segs {
		name, isArray := strings.CutSuffix(seg, "[]")
		if isArray && i != len(segs)-1 {
			return place{}, fmt.Errorf("plan %s: place %q: only the last segment may be an array", p.Code, p.Place)
		}
		next := property(cur, name, 0)
		if next == nil {
			return place{}, fmt.Errorf("plan %s: place %q: the 201 schema has no property %q", p.Code, p.Place, name)
		}
		pl.keys = append(pl.keys, name)
		cur = next
		if isArray {
			pl.kind = placeArray
			if !hasType(cur, "array") {
				return place{}, fmt.Errorf("plan %s: place %q is not an array in the 201 schema", p.Code, p.Place)
			}
		}
	}
	if pl.kind != placeArray && hasType(cur, "string") {
		pl.kind = placeString
	}
	return pl, nil
}

// property finds a named property of an object schema, looking through
// composition; depth bounds cycles.
func property(s *spec.Schema, name string, depth int) *spec.Schema {
	if s == nil || depth > maxSchemaDepth {
		return nil
	}
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema
		}
	}
	for _, group := range [][]*spec.Schema{s.AllOf, s.OneOf, s.AnyOf} {
		for _, b := range group {
			if found := property(b, name, depth+1); found != nil {
				return found
			}
		}
	}
	return nil
}

func hasType(s *spec.Schema, t string) bool {
	for _, have := range s.Types {
		if have == t {
			return true
		}
	}
	return false
}

// put lands code at pl in plans, with hosts where the place has a hosts field.
func put(plans map[string]any, pl place, code string, hosts int64) {
	m := plans
	for _, k := range pl.keys[:len(pl.keys)-1] {
		child, ok := m[k].(map[string]any)
		if !ok {
			child = map[string]any{}
			m[k] = child
		}
		m = child
	}
	last := pl.keys[len(pl.keys)-1]
	entry := map[string]any{"type": code}
	if pl.hosts {
		entry["hosts"] = hosts
	}
	switch pl.kind {
	case placeString:
		m[last] = code
	case placeArray:
		list, _ := m[last].([]any)
		m[last] = append(list, entry)
	default:
		m[last] = entry
	}
}

// at returns the value at pl's keys, or nil.
func at(plans map[string]any, pl place) any {
	var cur any = plans
	for _, k := range pl.keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// deepCopy copies a JSON-shaped value made of maps, slices and scalars.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}

// initialAccounts builds the plan sets a fresh mock starts with: plausible
// sets for each role (the spec (spec/addons.yaml) leaves them to the server).
func (s *Server) initialAccounts(fx fixtures.Fixtures) (map[string]*account, error) {
	basePlan := func(hosts int64) map[string]any {
		plans := map[string]any{}
		for _, p := range s.catalogList {
			if p.Base {
				put(plans, s.places[p.Code], p.Code, hosts)
				if m, ok := at(plans, s.places[p.Code]).(map[string]any); ok {
					m["increasing_hosts"] = int64(0)
				}
				break
			}
		}
		return plans
	}
	paidHosts := int64(20)
	if s.fault == faultGoldenDrift {
		paidHosts = 25
	}
	accounts := map[string]*account{
		fx.Accounts.Paid:      {kind: kindPaid, plans: basePlan(paidHosts)},
		fx.Accounts.Free:      {kind: kindFree, plans: map[string]any{}},
		fx.Accounts.SelfPay:   {kind: kindSelfPay, plans: basePlan(20)},
		fx.Accounts.RoomsBase: {kind: kindRoomsBase, plans: basePlan(20)},
		fx.Accounts.HasAddon:  {kind: kindHasAddon, plans: basePlan(20)},
	}
	for _, id := range fx.Accounts.MorePaid {
		accounts[id] = &account{kind: kindPaid, plans: basePlan(paidHosts)}
	}
	if len(accounts) != 5+len(fx.Accounts.MorePaid) || accounts[""] != nil || accounts[fx.Accounts.Missing] != nil {
		return nil, fmt.Errorf("mock: fixtures accounts must be five distinct non-empty ids (and the extra paid ones), and missing none of them")
	}
	if err := s.checkTokens(fx.Tokens); err != nil {
		return nil, err
	}
	for _, a := range accounts {
		a.held = map[string]bool{}
	}

	rooms := s.places[s.roomsAddon] // a catalog code: the loader checks the row's plans
	if rooms.kind != placeObject {
		return nil, fmt.Errorf("mock: the place of %s must be an object", s.roomsAddon)
	}
	put(accounts[fx.Accounts.RoomsBase].plans, rooms, roomsBaseType, 10)

	plan, ok := s.catalog[fx.HasAddonPlan]
	if !ok || plan.Base {
		return nil, fmt.Errorf("mock: fixtures has_addon_plan %q is not an add-on code of the catalog", fx.HasAddonPlan)
	}
	has := accounts[fx.Accounts.HasAddon]
	put(has.plans, s.places[plan.Code], plan.Code, 10)
	has.held[plan.Code] = true
	return accounts, nil
}

// checkTokens makes sure each caller role has its own token: three
// distinct non-empty fixtures tokens, except that the master or volume
// license token may be empty when an OAuth client of the mock plays that
// role.
func (s *Server) checkTokens(t fixtures.Tokens) error {
	oauth := func(r tokenRole) bool { return s.oauth != nil && s.oauth.roles[r] }
	seen := map[string]bool{}
	for _, tok := range []struct {
		value string
		role  tokenRole
	}{{t.Master, roleMaster}, {t.VolumeLicense, roleVolumeLicense}, {t.UnknownUser, roleUnknownUser}} {
		if tok.value == "" && oauth(tok.role) {
			continue
		}
		if tok.value == "" || seen[tok.value] {
			if s.oauth != nil {
				return fmt.Errorf("mock: fixtures tokens must be distinct non-empty values (master or volume_license may be empty only when an OAuth client plays that role)")
			}
			return fmt.Errorf("mock: fixtures tokens must be three distinct non-empty values")
		}
		seen[tok.value] = true
	}
	return nil
}

// holdsForeignBase reports whether the account holds, at the place of code, a
// plan of a type the catalog does not sell: a base plan such as the Zoom
// Rooms base plan of rooms_base.
func (s *Server) holdsForeignBase(a *account, code string) bool {
	pl, ok := s.places[code]
	if !ok || pl.kind != placeObject {
		return false
	}
	m, ok := at(a.plans, pl).(map[string]any)
	if !ok {
		return false
	}
	t, _ := m["type"].(string)
	_, inCatalog := s.catalog[t]
	return t != "" && !inCatalog
}
