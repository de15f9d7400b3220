#!/usr/bin/env bash
# Builds pulumi-resource-kubernetes (Pulumi Kubernetes resource plugin) from its Go module.
# Usage: build.sh OUT_DIR   (run from a scratch copy of this folder: it writes the
# generated schema-embed.json / terraform-mapping-embed.json next to itself).
source "${TOOLCHAIN_WRAPPER:-$(dirname "${BASH_SOURCE[0]}")/../wrapper.sh}"
start_build "$@"
cd "$here"

# Plugin version = "pulumi".version of the npm package @pulumi/kubernetes to pin.
version=$(awk '$1 == "kubernetes" {print $2}' VERSION)
[[ -n "$version" ]] || { echo "build.sh: no kubernetes version in VERSION" >&2; exit 1; }
module=github.com/pulumi/pulumi-kubernetes/provider/v4

echo "==> downloading $module (go.mod pins the v$version commit)" >&2
go mod download "$module"
mod_dir=$(go list -m -f '{{.Dir}}' "$module")
src="$mod_dir/cmd/pulumi-resource-kubernetes"

echo "==> generating schema-embed.json (version $version) and terraform-mapping-embed.json" >&2
rm -f schema-embed.json terraform-mapping-embed.json
if command -v jq >/dev/null 2>&1; then
  jq -c --arg v "$version" '.version = $v' "$src/schema.json" > schema-embed.json
  jq -c . "$src/terraform-mapping.json" > terraform-mapping-embed.json
else
  node -e '
    const fs = require("fs");
    const [src, v] = process.argv.slice(1);
    const s = JSON.parse(fs.readFileSync(src + "/schema.json", "utf8"));
    s.version = v;
    fs.writeFileSync("schema-embed.json", JSON.stringify(s));
    fs.writeFileSync("terraform-mapping-embed.json",
      JSON.stringify(JSON.parse(fs.readFileSync(src + "/terraform-mapping.json", "utf8"))));
  ' "$src" "$version"
fi

echo "==> building pulumi-resource-kubernetes $version (cold build: several minutes)" >&2
go build -trimpath \
  -ldflags "-s -w -X $module/pkg/version.Version=$version" \
  -o "$out_dir/pulumi-resource-kubernetes" .

echo "==> done: $out_dir/pulumi-resource-kubernetes" >&2
