package urlx

import "slices"

// Values is url.Values: query keys and their values. Only what the browser build uses (Set)
// and Encode.
type Values map[string][]string

// Set replaces key's values with value.
func (v Values) Set(key, value string) { v[key] = []string{value} }

// Encode is url.Values.Encode: "k=v&k2=v2", keys sorted, each key and value QueryEscape'd.
func (v Values) Encode() string {
	if len(v) == 0 {
		return ""
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b []byte
	for _, k := range keys {
		ke := QueryEscape(k)
		for _, val := range v[k] {
			if len(b) > 0 {
				b = append(b, '&')
			}
			b = append(b, ke...)
			b = append(b, '=')
			b = append(b, QueryEscape(val)...)
		}
	}
	return string(b)
}
