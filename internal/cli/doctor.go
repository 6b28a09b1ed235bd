package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
	"github.com/ionos-mcp/ionos-mcp/internal/tools"
)

func newDoctorCmd(a *app) *cobra.Command {
	var f serverFlags
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Verify access: list data centers (depth=1), then the servers of one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.newCLIRuntime(cmd, &f, false)
			if err != nil {
				return err
			}
			defer r.Close()
			return a.doctor(cmd.Context(), r)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

func (a *app) doctor(ctx context.Context, r *runtime) error {
	w := a.s.Out
	base, err := cloud.ParseAPIURL(r.cfg.APIURL)
	if err != nil {
		return err
	}
	api := base.String()
	if r.sim == nil && r.cfg.Credentials.FromFile() && r.cfg.Credentials.APIURL {
		api += " (the endpoint of the ionosctl profile)"
	}
	fmt.Fprintf(w, "API          %s\n", api)
	fmt.Fprintf(w, "credentials  %s\n", describeCredentials(r.cfg, r.sim != nil))
	fmt.Fprintf(w, "settings     read-only=%v confirm=%s protect=%v datacenters=%v audit-log=%q\n",
		r.cfg.ReadOnly, r.cfg.Confirm, r.cfg.Protect, orAll(r.cfg.Datacenters), r.cfg.AuditLog)
	// The tools' explanations, so that a missing or rejected credential
	// names the fix; the client's errors already say what it was doing.
	creds := tools.CredsOf(r.cfg)
	c, err := r.srv.Client()
	if err != nil {
		return fail(tools.Explain(err, creds))
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	start := time.Now()
	dcs, err := c.ListDatacenters(ctx)
	if err != nil {
		return fail(tools.Explain(err, creds))
	}
	fmt.Fprintf(w, "ok           %d data centers listed (depth=1) in %s\n", len(dcs), since(start))
	if len(dcs) == 0 {
		fmt.Fprintln(w, "note         the account has no data centers (or none within IONOS_MCP_DATACENTERS)")
		return nil
	}
	inv, err := c.Inventory(ctx)
	if err != nil {
		return fail(fmt.Errorf("reading the inventory: %w", tools.Explain(err, creds)))
	}
	fmt.Fprintf(w, "account      %s\n", accountShape(inv))
	fmt.Fprintf(w, "inventory    %s\n", describeRun(inv.Stats))
	sample := dcs[:min(len(dcs), doctorSample)]
	st, err := c.SampleServers(ctx, sample)
	if err != nil {
		return fail(fmt.Errorf("listing the servers of %d data centers one by one: %w", len(sample), tools.Explain(err, creds)))
	}
	fmt.Fprintf(w, "per-dc plan  %s\n", describeSample(st, len(sample), len(dcs)))
	pc := c.PlanCosts()
	if pc.BytesPerDatacenter > 0 {
		perMB := "time per MB not measured yet (the pages were small)"
		if pc.SecondsPerMB > 0 {
			perMB = fmt.Sprintf("%.2f s per MB, latency included", pc.SecondsPerMB)
		}
		fmt.Fprintf(w, "learned      deep pages: %s per data center, %s; the next asks for %d data centers\n",
			bytesText(int64(pc.BytesPerDatacenter)), perMB, pc.NextPage)
	}
	if !pc.AvoidDeepUntil.IsZero() {
		fmt.Fprintf(w, "learned      %s; deep pages avoided until %s\n", pc.LastFailure, pc.AvoidDeepUntil.UTC().Format(time.TimeOnly+" UTC"))
	}
	fmt.Fprintf(w, "chosen       %s\n", chosenPlan(inv.Stats))
	fmt.Fprintln(w, "access works")
	return nil
}

// doctorSample is how many data centers doctor lists one by one to
// measure the per-data-center plan; a larger account is extrapolated.
const doctorSample = 10

func accountShape(inv cloud.Inventory) string {
	per := map[string]int{}
	for _, s := range inv.Servers {
		per[s.DatacenterID]++
	}
	largest, empty := cloud.Datacenter{}, 0
	for _, dc := range inv.Datacenters {
		if per[dc.ID] > per[largest.ID] {
			largest = dc
		}
		if per[dc.ID] == 0 {
			empty++
		}
	}
	shape := fmt.Sprintf("%d data centers, %d servers", len(inv.Datacenters), len(inv.Servers))
	if largest.ID != "" {
		shape += fmt.Sprintf(" (at most %d in %q; %d data centers without servers)", per[largest.ID], largest.Name, empty)
	}
	return shape
}

func describeRun(st cloud.InventoryStats) string {
	s := fmt.Sprintf("%s, %s listed on their own: %s, %s, %s",
		plural(int64(st.DeepPages), "deep page"), plural(int64(st.PerDatacenter), "data center"), plural(st.Requests, "API request"), bytesText(st.Bytes), st.Took.Round(time.Millisecond))
	if st.Fallback != "" {
		s += "; " + st.Fallback
	}
	return s
}

func describeSample(st cloud.InventoryStats, n, total int) string {
	s := fmt.Sprintf("%d data centers one by one: %s, %s, %s", n, plural(st.Requests, "request"), bytesText(st.Bytes), st.Took.Round(time.Millisecond))
	if n < total && n > 0 {
		f := float64(total) / float64(n)
		s += fmt.Sprintf("; for all %d: about %d requests and %s (extrapolated)", total, 1+int(float64(st.Requests)*f), bytesText(int64(float64(st.Bytes)*f)))
	}
	return s
}

func chosenPlan(st cloud.InventoryStats) string {
	if st.Fallback != "" && st.DeepPages == 0 {
		return "per data center, as list_servers does now: " + st.Fallback
	}
	return "deep pages, as list_servers does: the fewest requests, each within a time budget, with per-data-center listing where a page fails"
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// describeCredentials says which credentials doctor uses and where they
// came from, never what they are.
func describeCredentials(cfg config.Config, sim bool) string {
	src := cfg.Credentials
	var s string
	switch {
	case sim:
		return "the embedded simulator's own token (--sim)"
	case src.FromFile() && cfg.Token != "":
		s = fmt.Sprintf("bearer token from ionosctl config %s (profile %q, %d characters)", src.File, src.Profile, len(cfg.Token))
	case src.FromFile():
		s = fmt.Sprintf("username and password from ionosctl config %s (profile %q; IONOS is retiring basic auth, prefer a token)", src.File, src.Profile)
	case cfg.Token != "":
		s = fmt.Sprintf("bearer token (IONOS_TOKEN, %d characters)", len(cfg.Token))
	case cfg.Username != "" && cfg.Password != "":
		s = "username and password (IONOS_USERNAME/IONOS_PASSWORD; IONOS is retiring basic auth, prefer a token)"
	case cfg.Username != "" || cfg.Password != "":
		return "none: IONOS_USERNAME and IONOS_PASSWORD must both be set; better, set IONOS_TOKEN"
	default:
		return "none: set IONOS_TOKEN, or run `ionosctl login` to store a token where this program reads it"
	}
	if src.UnusedProfile != "" {
		s += fmt.Sprintf("; the ionosctl profile %q (IONOS_MCP_PROFILE or --profile) is not used, as %s wins", src.UnusedProfile, src.Env)
	}
	return s
}

func orAll(v []string) any {
	if len(v) == 0 {
		return "all"
	}
	return v
}

func fail(err error) error {
	return &exitError{code: 1, err: fmt.Errorf("%w\nsee README.md, section Configuration", err)}
}
