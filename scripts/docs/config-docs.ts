// Regenerates Pulumi.yaml's config declarations and the configuration tables of docs/configuration.md
// from the stack's config schema and the components' doc comments (see scripts/docs/configDocs.ts).
import { generatedConfigDocs, writeConfigDocs } from "./configDocs";

generatedConfigDocs().then((files) => {
    const changed = files.filter((f) => f.generated !== f.committed);
    writeConfigDocs(changed);
    console.log(changed.length === 0 ? "config docs: up to date" : `config docs: wrote ${changed.map((f) => f.file).join(", ")}`);
});
