package spec

// Row returns the error row with id; false when there is none (or id is "").
func (o *Operation) Row(id string) (ErrorRow, bool) {
	if id == "" {
		return ErrorRow{}, false
	}
	for _, r := range o.Errors {
		if r.ID == id {
			return r, true
		}
	}
	return ErrorRow{}, false
}
