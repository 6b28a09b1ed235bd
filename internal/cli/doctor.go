package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
)

func newDoctorCmd(a *app) *cobra.Command {
	var f serverFlags
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Verify access: list data centers (depth=1), then the servers of one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.newRuntime(cmd, &f, nil)
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
	fmt.Fprintf(w, "API          %s\n", base)
	fmt.Fprintf(w, "credentials  %s\n", describeCredentials(r.cfg))
	fmt.Fprintf(w, "settings     read-only=%v confirm=%s protect=%v datacenters=%v audit-log=%q\n",
		r.cfg.ReadOnly, r.cfg.Confirm, r.cfg.Protect, orAll(r.cfg.Datacenters), r.cfg.AuditLog)
	c, err := r.srv.Client()
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	start := time.Now()
	dcs, err := c.ListDatacenters(ctx)
	if err != nil {
		return fail(fmt.Errorf("listing data centers: %w", err))
	}
	fmt.Fprintf(w, "ok           %d data centers listed (depth=1) in %s\n", len(dcs), since(start))
	if len(dcs) == 0 {
		fmt.Fprintln(w, "note         the account has no data centers (or none within IONOS_MCP_DATACENTERS)")
		return nil
	}
	start = time.Now()
	servers, err := c.ListServers(ctx, dcs[0])
	if err != nil {
		return fail(fmt.Errorf("listing the servers of %q: %w", dcs[0].Name, err))
	}
	fmt.Fprintf(w, "ok           %d servers in %q (%s) listed in %s\n", len(servers), dcs[0].Name, dcs[0].Location, since(start))
	fmt.Fprintln(w, "access works")
	return nil
}

func describeCredentials(cfg config.Config) string {
	switch {
	case cfg.Token != "":
		return fmt.Sprintf("bearer token (IONOS_TOKEN, %d characters)", len(cfg.Token))
	case cfg.Username != "" && cfg.Password != "":
		return "username and password (IONOS_USERNAME/IONOS_PASSWORD; IONOS is retiring basic auth, prefer a token)"
	}
	return "none: set IONOS_TOKEN"
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
