package jsonx

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// field is one JSON member of a struct type, found as encoding/json finds it.
type field struct {
	name      string
	folded    string // foldName(name)
	tag       bool   // the name came from a tag
	index     []int  // the path of field indexes through embedded structs
	omitEmpty bool
	omitZero  bool
	quoted    bool // ",string" on a scalar
}

type structFields struct {
	list   []field // in index order, as Marshal writes them
	byName map[string]int
	byFold map[string]int // the first field of each folded name
}

var fieldCache sync.Map // reflect.Type → *structFields

func cachedFields(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f, _ := fieldCache.LoadOrStore(t, typeFields(t))
	return f.(*structFields)
}

// typeFields is encoding/json's: a breadth-first walk of embedded structs; of the fields
// sharing a name, the shallowest wins, a tagged one breaking a tie; a tie left is dropped.
func typeFields(t reflect.Type) *structFields {
	var current []field
	next := []field{{}}
	nextTypes := []reflect.Type{t}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []field

	for len(next) > 0 {
		current, next = next, nil
		types := nextTypes
		nextTypes = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for ci, f := range current {
			ft0 := types[ci]
			if visited[ft0] {
				continue
			}
			visited[ft0] = true
			for i := 0; i < ft0.NumField(); i++ {
				sf := ft0.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !isValidTag(name) {
					name = ""
				}
				index := make([]int, len(f.index)+1)
				copy(index, f.index)
				index[len(f.index)] = i

				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				quoted := false
				if hasOption(opts, "string") {
					switch ft.Kind() {
					case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64, reflect.String:
						quoted = true
					}
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					tagged := name != ""
					if name == "" {
						name = sf.Name
					}
					fields = append(fields, field{name: name, folded: foldName(name), tag: tagged, index: index,
						omitEmpty: hasOption(opts, "omitempty"), omitZero: hasOption(opts, "omitzero"), quoted: quoted})
					if count[ft0] > 1 {
						// Two embeddings of one type at a level: make the name a tie.
						fields = append(fields, fields[len(fields)-1])
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, field{name: ft.Name(), index: index})
					nextTypes = append(nextTypes, ft)
				}
			}
		}
	}

	// By name, then depth, then tagged first, then index sequence. (Insertion sorts: a
	// struct has few fields, and slices.SortFunc's instantiation costs the module ~20 KB.)
	sortFields(fields, func(a, b *field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tag != b.tag {
			if a.tag {
				return -1
			}
			return +1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for advance, i := 0, 0; i < len(fields); i += advance {
		fi := fields[i]
		for advance = 1; i+advance < len(fields) && fields[i+advance].name == fi.name; advance++ {
		}
		if advance > 1 && len(fi.index) == len(fields[i+1].index) && fi.tag == fields[i+1].tag {
			continue // a tie: encoding/json drops the name
		}
		out = append(out, fi)
	}
	sortFields(out, func(a, b *field) int { return slices.Compare(a.index, b.index) })

	sf := &structFields{list: out, byName: make(map[string]int, len(out)), byFold: make(map[string]int, len(out))}
	for i, f := range out {
		sf.byName[f.name] = i
		if _, ok := sf.byFold[f.folded]; !ok {
			sf.byFold[f.folded] = i
		}
	}
	return sf
}

func sortFields(fs []field, cmp func(a, b *field) int) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && cmp(&fs[j], &fs[j-1]) < 0; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

func isValidTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// foldName is encoding/json's: names equal under it match case-insensitively (Unicode
// simple folding, so "K" matches the Kelvin sign).
func foldName(in string) string {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(in[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return string(out)
}
