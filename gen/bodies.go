package gen

import (
	"encoding/json"

	"github.com/addons-contract/contract/spec"
)

// PlainBody is the add-on plan form body adding code with hosts: the body
// scenarios and stateful steps send when any add-on will do.
func PlainBody(code string, hosts int64) []byte {
	b, _ := json.Marshal(map[string]any{"type": code, "hosts": hosts}) // a string and a number always marshal
	return b
}

// PhoneBody is a phone plan form body naming the code of each phone slot of
// op's catalog; false when the catalog lacks one of them.
func PhoneBody(op *spec.Operation) ([]byte, bool) {
	code := func(place string) (string, bool) {
		for _, p := range op.Catalog {
			if p.Place == place && !p.Base {
				return p.Code, true
			}
		}
		return "", false
	}
	base, ok1 := code("plan_phone.plan_base")
	calling, ok2 := code("plan_phone.plan_calling[]")
	number, ok3 := code("plan_phone.plan_number[]")
	if !ok1 || !ok2 || !ok3 {
		return nil, false
	}
	b, _ := json.Marshal(map[string]any{"plan_details": map[string]any{ // plain maps of strings and numbers always marshal
		"plan_base":    map[string]any{"type": base, "callout_countries": "US,CA"},
		"plan_calling": []any{map[string]any{"type": calling, "hosts": 5}},
		"plan_number":  []any{map[string]any{"type": number, "hosts": 3}},
	}})
	return b, true
}
