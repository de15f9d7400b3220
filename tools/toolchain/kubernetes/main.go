// Command pulumi-resource-kubernetes builds the Pulumi Kubernetes resource
// provider from its Go module. It replaces the upstream main, which embeds
// generated, git-ignored files that are absent from the module zip; build.sh
// derives schema-embed.json and terraform-mapping-embed.json from the module's
// committed schema.json and terraform-mapping.json.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
