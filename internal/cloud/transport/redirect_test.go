package transport

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// CheckRedirect alone, under a client without the guard, keeps reads
// within the origin and never follows a write: it is the policy of last
// resort should the guard be left out of a stack.
func TestCheckRedirectAlone(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		case "/post":
			http.Redirect(w, r, "/landed", http.StatusTemporaryRedirect)
		case "/within":
			http.Redirect(w, r, "/landed", http.StatusFound)
		}
	}))
	defer api.Close()
	base, err := url.Parse(api.URL + "/cloudapi/v6")
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{CheckRedirect: CheckRedirect(base)}
	var re *RedirectError
	if resp, err := hc.Get(api.URL + "/away"); !errors.As(err, &re) || re.Write || elsewhere.Load() != 0 {
		t.Errorf("GET redirected away = %v, %v; %d requests reached the other server", resp, err, elsewhere.Load())
	}
	if resp, err := hc.Post(api.URL+"/post", "application/json", nil); !errors.As(err, &re) || !re.Write || re.Status != http.StatusTemporaryRedirect {
		t.Errorf("POST redirected = %v, %v; want a refused write", resp, err)
	}
	resp, err := hc.Get(api.URL + "/within")
	if err != nil || resp.Request.URL.Path != "/landed" {
		t.Errorf("GET redirected within the origin = %v, %v; want it followed", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
}

func TestOriginOf(t *testing.T) {
	tests := []struct{ a, b string }{
		{"https://API.example.com/cloudapi/v6", "https://api.example.com:443/elsewhere?q=1"},
		{"http://127.0.0.1/", "http://127.0.0.1:80"},
		{"http://[::1]:8080/a", "http://[::1]:8080/b"},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if originOf(a) != originOf(b) {
			t.Errorf("originOf(%s) = %s, originOf(%s) = %s; want them equal", tt.a, originOf(a), tt.b, originOf(b))
		}
	}
	for _, other := range []string{"http://api.example.com", "https://api.example.com:8443", "https://api.example.com.evil", "https://user@evil"} {
		a, _ := url.Parse("https://api.example.com")
		b, _ := url.Parse(other)
		if originOf(a) == originOf(b) {
			t.Errorf("originOf(%s) = originOf(https://api.example.com)", other)
		}
	}
}

// Every 3xx to a write, with a Location or without, is an error that says
// the action may have run; it is never followed.
func TestGuardRefusesEveryRedirectOfAWrite(t *testing.T) {
	var posts atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		var status int
		if _, err := fmt.Sscan(r.URL.Query().Get("status"), &status); err != nil {
			t.Errorf("status %q: %v", r.URL.Query().Get("status"), err)
		}
		if r.URL.Query().Get("location") != "" {
			w.Header().Set("Location", "/again?status=200")
		}
		w.WriteHeader(status)
	}))
	defer api.Close()
	base, err := url.Parse(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: GuardRedirects(http.DefaultTransport, base)}
	for _, status := range []int{300, 301, 302, 303, 304, 307, 308} {
		for _, location := range []string{"", "1"} {
			posts.Store(0)
			resp, err := hc.Post(fmt.Sprintf("%s/stop?status=%d&location=%s", api.URL, status, location), "application/json", nil)
			var re *RedirectError
			if !errors.As(err, &re) || !re.Write || re.Status != status || posts.Load() != 1 || !strings.Contains(err.Error(), "may have run") {
				t.Errorf("POST answered %d (Location %q) = %v, %v after %d POSTs; want one POST and a refused redirect", status, location, resp, err, posts.Load())
			}
			if resp != nil {
				resp.Body.Close()
			}
		}
	}
}
