package mock

import (
	"fmt"
	"sort"
	"strings"
)

// Fault is one deliberate contract break the mock can be started with, for
// testing the harness itself: it changes exactly one decision of the mock.
type Fault struct {
	Name        string // kebab-case, as given to Config.Fault and -fault
	Description string // one line: what the mock then does wrong
	Breaks      string // the runner check id that must catch it
}

// The fault names; each is one decision point in the handler.
const (
	faultAcceptBadDate         = "accept-bad-date"
	faultAcceptBasePlan        = "accept-base-plan"
	faultAcceptDuplicateKey    = "accept-duplicate-key"
	faultAcceptUnknownPlan     = "accept-unknown-plan"
	faultAcceptUnknownProperty = "accept-unknown-property"
	faultAcceptZeroHosts       = "accept-zero-hosts"
	faultAuthIgnored           = "auth-ignored"
	faultBodyBeforeAccount     = "body-before-account"
	faultCodesIgnoreCase       = "codes-ignore-case"
	faultDropAddedPlan         = "drop-added-plan"
	faultDropConnection        = "drop-connection"
	faultDuplicateErrorCode    = "duplicate-error-code"
	faultErrorNoMessage        = "error-no-message"
	faultForgetState           = "forget-state"
	faultGoldenDrift           = "golden-drift"
	faultHostsString           = "hosts-string"
	faultIgnoreContentType     = "ignore-content-type"
	faultIgnoreFreePlan        = "ignore-free-plan"
	faultIgnoreRoomsBase       = "ignore-rooms-base"
	faultIgnoreSelfPay         = "ignore-self-pay"
	faultIgnoreVolumeLicense   = "ignore-volume-license"
	faultMethodAllowed         = "method-allowed"
	faultServerError           = "server-error"
	faultSlow                  = "slow"
	faultSmallSizeLimit        = "small-size-limit"
	faultSuccess200            = "success-200"
	faultTextContentType       = "text-content-type"
	faultUndocumentedStatus    = "undocumented-status"
	faultUnfilledMessage       = "unfilled-message"
	faultWrongErrorCode        = "wrong-error-code"
	faultWrongHosts            = "wrong-hosts"
	faultWrongMessage          = "wrong-message"
	faultWrongStatus           = "wrong-status"

	// Faults of the rules issue 13 added scenarios for: each breaks one
	// rule the default suite used to leave unsent or unjudged.
	faultAcceptHostsOverMax    = "accept-hosts-over-max"
	faultDropRoomsBasePlan     = "drop-rooms-base-plan"
	faultEscapedIDNotFound     = "escaped-id-not-found"
	faultHeadAllowed           = "head-allowed"
	faultHostlessPlaceHosts    = "hostless-place-hosts"
	faultLateSizeCheck         = "late-size-check"
	faultMediaTypeCaseSens     = "media-type-case-sensitive"
	faultMediaTypeNoParams     = "media-type-no-params"
	faultOptionsAllowed        = "options-allowed"
	faultPhoneFormDates        = "phone-form-accepts-dates"
	faultQueryNotFound         = "query-not-found"
	faultRateLimitNoRetryAfter = "rate-limit-no-retry-after"
	faultRejectLeapDay         = "reject-leap-day"
)

var faults = []Fault{
	{faultAcceptBadDate, "a date that is not a real calendar day (2021-02-30, 12/31/2021) is accepted", "invalid-rejected"},
	{faultAcceptBasePlan, "the base plan code yearly is accepted as an add-on", "invalid-rejected"},
	{faultAcceptDuplicateKey, "a body object that repeats a key is accepted (the last value wins)", "invalid-rejected"},
	{faultAcceptUnknownPlan, "a plan code outside the catalog (or outside its phone slot) is accepted", "invalid-rejected"},
	{faultAcceptUnknownProperty, "unknown properties in the body are ignored instead of rejected", "invalid-rejected"},
	{faultAcceptZeroHosts, "hosts below the minimum (0, -1) is accepted and echoed", "invalid-rejected"},
	{faultAuthIgnored, "a missing or unknown token is served as the master token instead of 401/124", "auth-enforced"},
	{faultBodyBeforeAccount, "the body is validated before the sub account is looked up: a bad body for a missing account answers 400/300, not 404/2001", "error-row"},
	{faultCodesIgnoreCase, "plan codes match the catalog case-insensitively: WEBINAR500_MONTHLY is taken as webinar500_monthly", "invalid-rejected"},
	{faultDropAddedPlan, "a 201 shows the plan set from before the change, without the added plan", "valid-accepted"},
	{faultDropConnection, "where a 201 is due, the connection is closed without an answer", "no-server-error"},
	{faultDuplicateErrorCode, `error bodies name "code" twice, a stray 0 first and the row's code last`, "unique-keys"},
	{faultErrorNoMessage, "error bodies carry only \"code\", no \"message\"", "response-schema"},
	{faultForgetState, "successful adds are not remembered: the same add answers 201 again", "state-model"},
	{faultGoldenDrift, "the paid account starts with plan_base hosts 25 instead of 20", "golden"},
	{faultHostsString, "hosts in a 201 body are JSON strings (\"18\") instead of integers", "response-schema"},
	{faultIgnoreContentType, "the Content-Type is not checked: a text/plain body is parsed as JSON", "invalid-rejected"},
	{faultIgnoreFreePlan, "the free plan row is never answered: adds on the free account succeed", "error-row"},
	{faultIgnoreRoomsBase, "the Zoom Rooms base plan row is never answered: zroom_monthly replaces the base plan", "error-row"},
	{faultIgnoreSelfPay, "the self pay row is never answered: adds on the self pay account succeed", "error-row"},
	{faultIgnoreVolumeLicense, "the volume license row is never answered: that token adds plans like the master", "error-row"},
	{faultMethodAllowed, "other methods on the path answer 200 {} instead of 405", "method-not-allowed"},
	{faultServerError, "an invalid body whose offending field is type answers 500", "no-server-error"},
	{faultSlow, "every answer is delayed by SlowBy (default 3s)", "response-time"},
	{faultSmallSizeLimit, "bodies over 512 KiB, not 1 MiB, answer 413", "error-row"},
	{faultSuccess200, "a successful add answers 200 instead of 201", "valid-accepted"},
	{faultTextContentType, "every answer carries Content-Type text/plain", "content-type"},
	{faultUndocumentedStatus, "an invalid body answers 422 instead of 400", "status-documented"},
	{faultUnfilledMessage, "message placeholders ({planCode}, {subAccountId}) are left unfilled", "error-row"},
	{faultWrongErrorCode, "account_missing answers code 2002 instead of 2001", "error-row"},
	{faultWrongHosts, "the added plan's hosts is one more than the hosts sent", "valid-accepted"},
	{faultWrongMessage, "the self pay row's message text is altered", "error-row"},
	{faultWrongStatus, "account_missing answers status 400 instead of 404", "error-row"},
	{faultAcceptHostsOverMax, "hosts above the maximum 2147483647 is accepted and echoed", "invalid-rejected"},
	{faultDropRoomsBasePlan, "adding another add-on to rooms_base drops its Zoom Rooms base plan from the plan set", "valid-accepted"},
	{faultEscapedIDNotFound, "a path whose account id is percent-encoded answers the route 404 {\"code\": 404}", "error-row"},
	{faultHeadAllowed, "HEAD on the path answers 200 instead of 405", "method-not-allowed"},
	{faultHostlessPlaceHosts, "a plan added at a catalog place without hosts (plan_audio, plan_zcc.plan_package) shows the hosts sent", "valid-accepted"},
	{faultLateSizeCheck, "the 413 size check runs after the token, account and media type checks instead of first", "error-row"},
	{faultMediaTypeCaseSens, "the media type is matched case-sensitively: Application/JSON answers 415", "error-row"},
	{faultMediaTypeNoParams, "a Content-Type with parameters (application/json; charset=utf-8) answers 415", "error-row"},
	{faultOptionsAllowed, "OPTIONS on the path answers 204 with Allow instead of 405", "method-not-allowed"},
	{faultPhoneFormDates, "the phone plan form accepts service_effective_date and paid_period_start_date", "invalid-rejected"},
	{faultQueryNotFound, "a query string on the path answers the route 404 {\"code\": 404}", "error-row"},
	{faultRateLimitNoRetryAfter, "a 429 carries no Retry-After header", "error-row"},
	{faultRejectLeapDay, "29 February of a leap year is rejected as not a real calendar day (400/300)", "valid-accepted"},
}

// Faults returns every fault the mock knows, sorted by name.
func Faults() []Fault {
	out := append([]Fault(nil), faults...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// checkFault reports an unknown fault name, listing the known ones.
func checkFault(name string) error {
	if name == "" {
		return nil
	}
	var names []string
	for _, f := range Faults() {
		if f.Name == name {
			return nil
		}
		names = append(names, f.Name)
	}
	return fmt.Errorf("mock: unknown fault %q (known: %s)", name, strings.Join(names, ", "))
}
