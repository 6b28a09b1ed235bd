package tools

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"
)

// schemas holds the schema of each input and output type, inferred once per
// process: hosted mode builds a server per request, and the SDK's schema
// cache recognises a schema by its pointer.
var schemas sync.Map // reflect.Type -> *jsonschema.Schema

// schemaFor infers the JSON schema of T and makes it portable: a Go pointer
// or slice becomes `"type": ["null", X]`, which several clients and
// validators reject, so the null branch is dropped. Handlers never emit
// null where the schema says otherwise (slices are made non-nil or omitted).
func schemaFor[T any]() *jsonschema.Schema {
	t := reflect.TypeFor[T]()
	if s, ok := schemas.Load(t); ok {
		return s.(*jsonschema.Schema)
	}
	s, err := jsonschema.For[T](nil)
	if err != nil {
		panic(fmt.Sprintf("tools: schema of %v: %v", t, err)) // a programming error, caught by every test run
	}
	dropNull(s)
	if a, ok := any(*new(T)).(schemaAdjuster); ok {
		a.adjustSchema(s)
	}
	actual, _ := schemas.LoadOrStore(t, s)
	return actual.(*jsonschema.Schema)
}

// schemaAdjuster is a type that adds to its inferred schema what Go types
// cannot say, such as the values of an enum.
type schemaAdjuster interface{ adjustSchema(*jsonschema.Schema) }

func dropNull(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	if len(s.Types) == 2 && s.Types[0] == "null" {
		s.Type, s.Types = s.Types[1], nil
	}
	for _, p := range s.Properties {
		dropNull(p)
	}
	dropNull(s.Items)
	if s.AdditionalProperties != nil {
		dropNull(s.AdditionalProperties)
	}
}
