package contract

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/spec"
)

// valid-accepted holds a 201 to the rules of its body: a place without a
// hosts field drops the hosts sent, and rooms_base keeps its Zoom Rooms
// base plan.
func TestValidAcceptedPlaceRules(t *testing.T) {
	doc, err := spec.Default()
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	rooms := `"plan_zoom_rooms":{"type":"zroom_base_annual","hosts":10}`
	tests := []struct {
		name, account string
		add           Add
		body          string
		failRow       string // "" = passes
		reason        string
	}{
		{"audio without hosts", AccountPaid, Add{"tollfree_payongo", 5}, `{"plan_audio":{"type":"tollfree_payongo"}}`, "", "plan_audio has no hosts field"},
		{"audio with hosts", AccountPaid, Add{"tollfree_payongo", 5}, `{"plan_audio":{"type":"tollfree_payongo","hosts":5}}`, "created:hosts-dropped", "places without hosts drop it"},
		{"package with hosts", AccountPaid, Add{"zccp_monthly", 5}, `{"plan_zcc":{"plan_package":{"type":"zccp_monthly","hosts":5}}}`, "created:hosts-dropped", "CalloutPlan has no hosts"},
		{"recording string", AccountPaid, Add{"cmr_monthly_commitment_40", 5}, `{"plan_recording":"cmr_monthly_commitment_40"}`, "", "a string place cannot carry hosts"},
		{"hosts place", AccountPaid, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5}}`, "", "a place with hosts echoes them"},
		{"rooms base kept", AccountRoomsBase, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5},` + rooms + `}`, "", "rooms_base shows its base plan"},
		{"rooms base dropped", AccountRoomsBase, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5}}`, "created:rooms-base", "the 201 is the whole set: the base plan stays"},
		{"rooms base replaced by add-on", AccountRoomsBase, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5},"plan_zoom_rooms":{"type":"zroom_monthly","hosts":1}}`, "created:rooms-base", "the base plan's type is not the add-on"},
		{"other account", AccountPaid, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5}}`, "", "only rooms_base promises a Zoom Rooms base plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{Kind: KindScenario, Req: Request{Account: tt.account}, Expect: Expect{Plans: []Add{tt.add}}}
			ex := &Exchange{Case: c, Status: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(tt.body)}
			fails := validAccepted{}.Judge(&Judgement{Op: op, Case: c, Exchange: ex})
			var rows []string
			for _, f := range fails {
				rows = append(rows, f.Row)
			}
			if tt.failRow == "" {
				require.Empty(t, rows, tt.reason)
			} else {
				require.Equal(t, []string{tt.failRow}, rows, tt.reason)
			}
		})
	}
}
