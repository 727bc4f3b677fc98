package function

import "testing"

func TestTypeAllowed(t *testing.T) {
	cases := []struct {
		name    string
		allowed []string
		want    bool
	}{
		{"a.bin", nil, true},
		{"a.JPG", []string{"image/*"}, true},
		{"a.jpeg", []string{"image/jpeg"}, true},
		{"a.png", []string{"image/jpeg"}, false},
		{"a.pdf", []string{"image/*", ".pdf"}, true},
		{"a.PDF", []string{".pdf"}, true},
		{"a.exe", []string{"image/*", ".pdf"}, false},
		{"noext", []string{"image/*"}, false},
		{".jpg", []string{"image/*"}, false},
		{"a.jpg.exe", []string{"image/*"}, false},
		{"a.unknownext", []string{"application/*"}, false},
		{"a.unknownext", []string{".unknownext"}, true},
		{"movie.mp4", []string{"video/*"}, true},
	}
	for _, c := range cases {
		if got := typeAllowed(c.name, c.allowed); got != c.want {
			t.Errorf("typeAllowed(%q, %q) = %v", c.name, c.allowed, got)
		}
	}
}

func TestCheckTypePattern(t *testing.T) {
	for _, ok := range []string{".pdf", "image/*", "application/pdf", "application/vnd.ms-excel", "image/svg+xml"} {
		if err := checkTypePattern(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "*", "*/*", "image", ".", ".tar.gz", "pdf", "image/", "/png", "image/**", "a b/c"} {
		if checkTypePattern(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
