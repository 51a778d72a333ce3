package golden_test

import (
	"fmt"
	"os"

	"github.com/addons-contract/contract/golden"
)

// A live answer is normalised (fixture ids to placeholders, server-chosen
// fields masked) and then stored or compared in its canonical encoding.
func ExampleNormalize() {
	body := []byte(`{"code":2001,"message":"Account does not exist: sub-missing-9999.","trace":"a1b2"}`)
	ids := map[string]string{"sub-missing-9999": "{accounts.missing}"}
	e := golden.Entry{
		Status:      404,
		ContentType: "application/json",
		Body:        golden.Normalize(body, ids, []string{"trace"}),
	}
	os.Stdout.Write(golden.Encode(e))

	// The stored file has no "trace": Compare reports that as a diff. (The
	// diff's exact spacing is go-cmp's and deliberately unstable.)
	diff, err := golden.Open("testdata/set").Compare("matrix/account_missing", e)
	fmt.Println("error:", err, "- differs:", diff != "")
	// Output:
	// {
	//   "status": 404,
	//   "content_type": "application/json",
	//   "body": {
	//     "code": 2001,
	//     "message": "Account does not exist: {accounts.missing}.",
	//     "trace": "<masked>"
	//   }
	// }
	// error: <nil> - differs: true
}
