package cloud

import (
	"context"
	"errors"
	"strings"
)

// The operator's data-center allow-list is a rule of internal/guard; the
// client is where it is applied, to every read and write and to requests,
// so that the tools need not check it again. What it excludes reads as not
// found, in the words used for what does not exist.

// inScope reports whether the client may use dc.
func (c *Client) inScope(dc Datacenter) bool { return c.scope == nil || c.scope(dc) }

// admit returns dc if the client may use it, else the not-found error
// for ref.
func (c *Client) admit(dc Datacenter, ref string) (Datacenter, error) {
	if !c.inScope(dc) {
		return Datacenter{}, HiddenDatacenter(ref)
	}
	return dc, nil
}

// noDatacenter is the error for a data center that does not exist.
func (c *Client) noDatacenter(ref string) error {
	nf := &NotFoundError{Kind: "data center", Ref: ref}
	if c.scope != nil {
		nf.Scope = restrictedScope
	}
	return nf
}

// datacenterAdmitted reports whether the data center with id dcID may be
// used. An allow-list that admits it by id needs no API call; else its name
// is read once and remembered. A data center that cannot be read is not
// admitted: the allow-list fails closed.
func (c *Client) datacenterAdmitted(ctx context.Context, dcID string) (bool, error) {
	dcID = strings.ToLower(dcID)
	if c.inScope(Datacenter{ID: dcID}) {
		return true, nil
	}
	if dc, ok := c.dcByID.Load(dcID); ok {
		return c.inScope(dc.(Datacenter)), nil
	}
	dc, err := c.getDatacenter(ctx, dcID)
	if IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	c.dcByID.Store(dcID, dc)
	return c.inScope(dc), nil
}

// scopedRequest returns rs if one of its targets lies in a data center the
// client may use; dcs are the targets' data centers ("" where a target
// names none). A request whose targets are all elsewhere, or that names no
// data center at all, is not found, as if it did not exist.
func (c *Client) scopedRequest(ctx context.Context, rs RequestStatus, dcs []string) (RequestStatus, error) {
	if c.scope == nil {
		return rs, nil
	}
	var readErr error
	for _, dcID := range dcs {
		if dcID == "" {
			continue
		}
		ok, err := c.datacenterAdmitted(ctx, dcID)
		if ok {
			return rs, nil
		}
		readErr = errors.Join(readErr, err)
	}
	if readErr != nil {
		return RequestStatus{}, readErr
	}
	return RequestStatus{}, &NotFoundError{Kind: "request", Ref: rs.RequestID, Hidden: true}
}

// datacenterOfTarget finds the data center a request target lies in: the
// target itself, or the "/datacenters/{id}" segment of its href.
func datacenterOfTarget(targetType, id, href string) string {
	if strings.EqualFold(targetType, "datacenter") && IsUUID(id) {
		return strings.ToLower(id)
	}
	_, rest, ok := strings.Cut(href, "/datacenters/")
	if !ok {
		return ""
	}
	dcID, _, _ := strings.Cut(rest, "/")
	if !IsUUID(dcID) {
		return ""
	}
	return strings.ToLower(dcID)
}
