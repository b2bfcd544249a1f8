package provider

// Helpers for unit tests that call a resource's or the action's methods
// directly, with tfsdk values built from its schema: no Terraform CLI.

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vodprovider/terraform-provider-vod/internal/vod"
)

// unitClient is a client of the emulator, as the provider would build it.
func (e *testEmulator) unitClient(t *testing.T) (*vod.Client, taskScope) {
	t.Helper()
	cfg := vod.Config{Endpoint: e.URL, ProjectID: testProjectID, AccessKey: testAccessKey, SecretKey: testSecretKey, MaxRetries: 2}
	client, err := vod.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client, newTaskScope(cfg, "")
}

// objectOf is a value of typ with the given attributes and null for the rest.
func objectOf(typ tftypes.Object, values map[string]tftypes.Value) tftypes.Value {
	all := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, attrType := range typ.AttributeTypes {
		if v, ok := values[name]; ok {
			all[name] = v
		} else {
			all[name] = tftypes.NewValue(attrType, nil)
		}
	}
	return tftypes.NewValue(typ, all)
}

func tfStrings(values ...string) tftypes.Value {
	elements := make([]tftypes.Value, len(values))
	for i, v := range values {
		elements[i] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, elements)
}

func tfString(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
func tfBool(v bool) tftypes.Value     { return tftypes.NewValue(tftypes.Bool, v) }
func tfInt(v int64) tftypes.Value     { return tftypes.NewValue(tftypes.Number, v) }

// unitResource runs one resource's methods as the framework would.
type unitResource struct {
	t        *testing.T
	r        resource.ResourceWithIdentity
	schema   resource.SchemaResponse
	identity resource.IdentitySchemaResponse
}

func newUnitResource(t *testing.T, r resource.ResourceWithIdentity, client *vod.Client, scope taskScope) *unitResource {
	t.Helper()
	ctx := context.Background()
	u := &unitResource{t: t, r: r}
	r.Schema(ctx, resource.SchemaRequest{}, &u.schema)
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &u.identity)
	var configured resource.ConfigureResponse
	r.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: &providerData{client: client, scope: scope}}, &configured)
	if configured.Diagnostics.HasError() || u.schema.Diagnostics.HasError() {
		t.Fatal(configured.Diagnostics, u.schema.Diagnostics)
	}
	return u
}

func (u *unitResource) objectType() tftypes.Object {
	return u.schema.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
}

func (u *unitResource) emptyState() tfsdk.State {
	return tfsdk.State{Schema: u.schema.Schema, Raw: tftypes.NewValue(u.objectType(), nil)}
}

func (u *unitResource) emptyIdentity() *tfsdk.ResourceIdentity {
	typ := u.identity.IdentitySchema.Type().TerraformType(context.Background())
	return &tfsdk.ResourceIdentity{Schema: u.identity.IdentitySchema, Raw: tftypes.NewValue(typ, nil)}
}

// newPrivate gives *Private (of the framework's internal type) an empty value.
func newPrivate(field any) {
	v := reflect.ValueOf(field).Elem()
	v.Set(reflect.New(v.Type().Elem()))
}

// create runs Create with a plan of the given attributes.
func (u *unitResource) create(values map[string]tftypes.Value) resource.CreateResponse {
	u.t.Helper()
	plan := tfsdk.Plan{Schema: u.schema.Schema, Raw: objectOf(u.objectType(), values)}
	resp := resource.CreateResponse{State: u.emptyState(), Identity: u.emptyIdentity()}
	newPrivate(&resp.Private)
	u.r.Create(context.Background(), resource.CreateRequest{Plan: plan, Config: tfsdk.Config{Schema: u.schema.Schema, Raw: plan.Raw}}, &resp)
	return resp
}

// read runs Read on a state, with the private state Create or ImportState left.
func (u *unitResource) read(state tfsdk.State, private any) resource.ReadResponse {
	u.t.Helper()
	req := resource.ReadRequest{State: state, Identity: u.emptyIdentity()}
	resp := resource.ReadResponse{State: state, Identity: u.emptyIdentity()}
	reflect.ValueOf(&req.Private).Elem().Set(reflect.ValueOf(private))
	reflect.ValueOf(&resp.Private).Elem().Set(reflect.ValueOf(private))
	u.r.Read(context.Background(), req, &resp)
	return resp
}

// importState runs ImportState with an ID, or with an identity when id is empty.
func (u *unitResource) importState(id string, identity map[string]tftypes.Value) resource.ImportStateResponse {
	u.t.Helper()
	req := resource.ImportStateRequest{ID: id}
	if identity != nil {
		typ := u.identity.IdentitySchema.Type().TerraformType(context.Background()).(tftypes.Object)
		req.Identity = &tfsdk.ResourceIdentity{Schema: u.identity.IdentitySchema, Raw: objectOf(typ, identity)}
	}
	resp := resource.ImportStateResponse{State: u.emptyState(), Identity: u.emptyIdentity()}
	newPrivate(&resp.Private)
	u.r.(resource.ResourceWithImportState).ImportState(context.Background(), req, &resp)
	return resp
}
