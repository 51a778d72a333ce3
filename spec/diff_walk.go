package spec

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/pb33f/libopenapi/what-changed/model"
)

// rawChange is one change of libopenapi's what-changed model with the path
// that leads to it through that model: its fields' JSON names, map keys and
// slice positions, e.g. ["components", "schemas", "PlanSet", "properties",
// "plan_whiteboard"]. The model's GetAllChanges flattens the same tree but
// drops the path, and the path is what says where a change lands.
type rawChange struct {
	path []string
	c    *model.Change
}

var changeType = reflect.TypeFor[*model.Change]()

// flatten lists every change under v (a *model.DocumentChanges), map keys in
// sorted order so that the result is stable.
func flatten(v any) []rawChange {
	var out []rawChange
	walkChanges(reflect.ValueOf(v), nil, &out)
	return out
}

func walkChanges(v reflect.Value, path []string, out *[]rawChange) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Type() == changeType {
			*out = append(*out, rawChange{path: slices.Clone(path), c: v.Interface().(*model.Change)})
			return
		}
		walkChanges(v.Elem(), path, out)
	case reflect.Struct:
		walkStruct(v, path, out)
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			walkChanges(v.MapIndex(k), append(path, fmt.Sprint(k.Interface())), out)
		}
	case reflect.Slice:
		for i := range v.Len() {
			e := v.Index(i)
			if e.Type() == changeType {
				walkChanges(e, path, out) // a list of changes is not a level of the document
				continue
			}
			walkChanges(e, append(path, elemName(e, i)), out)
		}
	}
}

// walkStruct descends into the exported fields of a changes struct, naming
// each level by its JSON tag; embedded structs (PropertyChanges) and the
// Changes list stay at the struct's own level.
func walkStruct(v reflect.Value, path []string, out *[]rawChange) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || name == "" || name == "-" || name == "changes" {
			walkChanges(v.Field(i), path, out)
			continue
		}
		walkChanges(v.Field(i), append(path, name), out)
	}
}

// elemName names a slice element: by its Name field (a parameter's), else
// by its position.
func elemName(e reflect.Value, i int) string {
	for e.Kind() == reflect.Pointer && !e.IsNil() {
		e = e.Elem()
	}
	if e.Kind() == reflect.Struct {
		if f := e.FieldByName("Name"); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
			return f.String()
		}
	}
	return fmt.Sprint(i)
}
