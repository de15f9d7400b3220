import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    checkKvV2Mounts,
    checkPolicyRules,
    expandRule,
    policyPaths,
    renderCheckedPolicy,
    renderPolicy,
} from "../../../components/policyDocument";
import { capabilityNames, kvV2Actions, PolicyRule, ruleCapabilityNames } from "../../../components/policyRules";

const everyKvV2Prefix = ["data", "delete", "destroy", "metadata", "subkeys", "undelete"];

describe("policy rendering", () => {
    it("keeps the guide's kv-v1 rule exactly as written", () => {
        const doc = JSON.parse(renderPolicy([{ path: "my-app/*", capabilities: ["read", "list"] }], []));
        assert.deepEqual(doc, { path: { "my-app/*": { capabilities: ["read", "list"] } } });
    });

    it("expands a kv-v2 rule to the data/ and metadata/ paths Vault checks", () => {
        const doc = JSON.parse(renderPolicy([{ path: "secret/my-app/*", capabilities: ["read", "list"] }], ["secret"]));
        assert.deepEqual(doc, {
            path: {
                "secret/data/my-app/*": { capabilities: ["read"] },
                "secret/metadata/my-app/*": { capabilities: ["list"] },
            },
        });
    });

    it("sends writes to data/ and nothing to metadata/ when the rule does not list", () => {
        assert.deepEqual(policyPaths([{ path: "kv/app/config", capabilities: ["create", "update", "read"] }], ["kv"]), [
            { path: "kv/data/app/config", capabilities: ["create", "read", "update"] },
        ]);
    });

    it("expands on each of several kv-v2 mounts and leaves other mounts alone", () => {
        const paths = policyPaths(
            [
                { path: "team-a/app/*", capabilities: ["read"] },
                { path: "team/b/*", capabilities: ["read"] },
                { path: "teams/c", capabilities: ["read"] },
            ],
            ["team", "team-a"],
        );
        assert.deepEqual(
            paths.map((p) => p.path),
            ["team-a/data/app/*", "team/data/b/*", "teams/c"],
        );
    });

    it("renders deny on a kv-v2 logical path on every kv-v2 API prefix (golden document)", () => {
        assert.equal(
            renderPolicy([{ path: "secret/app/*", capabilities: ["deny"] }], ["secret"]),
            [
                "{",
                '  "path": {',
                '    "secret/data/app/*": {',
                '      "capabilities": [',
                '        "deny"',
                "      ]",
                "    },",
                '    "secret/delete/app/*": {',
                '      "capabilities": [',
                '        "deny"',
                "      ]",
                "    },",
                '    "secret/destroy/app/*": {',
                '      "capabilities": [',
                '        "deny"',
                "      ]",
                "    },",
                '    "secret/metadata/app/*": {',
                '      "capabilities": [',
                '        "deny"',
                "      ]",
                "    },",
                '    "secret/subkeys/app/*": {',
                '      "capabilities": [',
                '        "deny"',
                "      ]",
                "    },",
                '    "secret/undelete/app/*": {',
                '      "capabilities": [',
                '        "deny"',
                "      ]",
                "    }",
                "  }",
                "}",
            ].join("\n"),
        );
    });

    it("puts deny on every kv-v2 prefix and lets it win over grants on the same paths", () => {
        const paths = policyPaths(
            [
                { path: "secret/app/private", capabilities: ["deny"] },
                { path: "secret/app/private", capabilities: ["read", "list", "delete-versions", "destroy-versions"] },
            ],
            ["secret"],
        );
        assert.deepEqual(
            paths,
            everyKvV2Prefix.map((p) => ({ path: `secret/${p}/app/private`, capabilities: ["deny"] })),
        );
    });

    it("merges duplicate paths, orders capabilities canonically and renders deterministically", () => {
        const rules = [
            { path: "b/*", capabilities: ["list" as const] },
            { path: "a/*", capabilities: ["update" as const, "read" as const] },
            { path: "b/*", capabilities: ["read" as const] },
        ];
        assert.equal(renderPolicy(rules, []), renderPolicy([...rules].reverse(), []));
        assert.deepEqual(policyPaths(rules, []), [
            { path: "a/*", capabilities: ["read", "update"] },
            { path: "b/*", capabilities: ["read", "list"] },
        ]);
    });
});

describe("kv-v2 vocabulary", () => {
    it("exports the kv-v2 actions and the full rule vocabulary", () => {
        assert.deepEqual(kvV2Actions, ["delete-versions", "undelete-versions", "destroy-versions", "delete-metadata", "read-metadata"]);
        assert.deepEqual(ruleCapabilityNames, [
            "create",
            "read",
            "update",
            "patch",
            "delete",
            "list",
            "sudo",
            "deny",
            "delete-versions",
            "undelete-versions",
            "destroy-versions",
            "delete-metadata",
            "read-metadata",
        ]);
    });

    // The table of the file's header comment, row by row, on the logical path secret/app/x.
    const table: [PolicyRule["capabilities"][number], [string, string[]][]][] = [
        ["create", [["secret/data/app/x", ["create"]]]],
        ["read", [["secret/data/app/x", ["read"]]]],
        ["update", [["secret/data/app/x", ["update"]]]],
        ["patch", [["secret/data/app/x", ["patch"]]]],
        ["list", [["secret/metadata/app/x", ["list"]]]],
        [
            "sudo",
            [
                ["secret/data/app/x", ["sudo"]],
                ["secret/metadata/app/x", ["sudo"]],
            ],
        ],
        ["deny", everyKvV2Prefix.map((p) => [`secret/${p}/app/x`, ["deny"]])],
        [
            "delete-versions",
            [
                ["secret/data/app/x", ["delete"]],
                ["secret/delete/app/x", ["update"]],
            ],
        ],
        ["undelete-versions", [["secret/undelete/app/x", ["update"]]]],
        ["destroy-versions", [["secret/destroy/app/x", ["update"]]]],
        ["delete-metadata", [["secret/metadata/app/x", ["delete"]]]],
        ["read-metadata", [["secret/metadata/app/x", ["read"]]]],
    ];
    for (const [capability, want] of table) {
        it(`renders ${capability} on a logical kv-v2 path as ${want.map(([p, c]) => `${p}: ${c.join(",")}`).join("; ")}`, () => {
            const rules: PolicyRule[] = [{ path: "secret/app/x", capabilities: [capability] }];
            assert.deepEqual(checkPolicyRules("rules", rules, ["secret"]), []);
            assert.deepEqual(
                policyPaths(rules, ["secret"]).map((p) => [p.path, p.capabilities]),
                want,
            );
        });
    }

    it("merges kv-v2 actions with plain capabilities on the same API path", () => {
        assert.deepEqual(
            policyPaths(
                [{ path: "secret/app/*", capabilities: ["delete-versions", "read", "read-metadata", "list", "undelete-versions"] }],
                ["secret"],
            ),
            [
                { path: "secret/data/app/*", capabilities: ["read", "delete"] },
                { path: "secret/delete/app/*", capabilities: ["update"] },
                { path: "secret/metadata/app/*", capabilities: ["read", "list"] },
                { path: "secret/undelete/app/*", capabilities: ["update"] },
            ],
        );
    });

    it("renders only real Vault capabilities", () => {
        const rules: PolicyRule[] = [
            { path: "secret/a/*", capabilities: [...kvV2Actions, "create", "read", "update", "patch", "list", "sudo"] },
            { path: "secret/b/*", capabilities: ["deny"] },
            { path: "secret/data/c", apiPath: true, capabilities: ["delete"] },
        ];
        const doc = JSON.parse(renderPolicy(rules, ["secret"])) as { path: Record<string, { capabilities: string[] }> };
        const rendered = Object.values(doc.path).flatMap((p) => p.capabilities);
        assert.ok(rendered.length > 0);
        for (const c of rendered) assert.ok((capabilityNames as readonly string[]).includes(c), c);
    });
});

describe("apiPath", () => {
    it("renders an API path on a kv-v2 mount exactly as written with apiPath: true", () => {
        assert.deepEqual(
            policyPaths(
                [
                    { path: "secret/metadata/app/*", apiPath: true, capabilities: ["delete"] },
                    { path: "secret/subkeys/app/*", apiPath: true, capabilities: ["read"] },
                    { path: "secret/config", apiPath: true, capabilities: ["read"] },
                ],
                ["secret"],
            ),
            [
                { path: "secret/config", capabilities: ["read"] },
                { path: "secret/metadata/app/*", capabilities: ["delete"] },
                { path: "secret/subkeys/app/*", capabilities: ["read"] },
            ],
        );
    });

    // Rendered as written until the generated suite held it to the policy pack (issue 21): on a kv-v2
    // mount Vault checks only API paths, so this one matched nothing.
    it("refuses apiPath: true on a kv-v2 mount when the path names no API endpoint, or list on data/", () => {
        assert.throws(
            () => policyPaths([{ path: "secret/app/*", apiPath: true, capabilities: ["read"] }], ["secret"]),
            /rules\[0\]\.path: "secret\/app\/\*" \(apiPath: true\) is on the kv-v2 mount "secret", where Vault checks only API paths .* so it matches nothing/,
        );
        assert.throws(
            () => policyPaths([{ path: "kv2/data/app", apiPath: true, capabilities: ["list"] }], ["kv2"]),
            /"list" on "kv2\/data\/app" matches nothing: Vault checks list on kv-v2 metadata\/; write "kv2\/metadata\/app"/,
        );
    });

    it("expands apiPath: false as a logical path: secret/data/x is a folder named data", () => {
        assert.deepEqual(policyPaths([{ path: "secret/data/x", apiPath: false, capabilities: ["read", "list"] }], ["secret"]), [
            { path: "secret/data/data/x", capabilities: ["read"] },
            { path: "secret/metadata/data/x", capabilities: ["list"] },
        ]);
    });

    it("expands a secret named config with apiPath: false", () => {
        assert.deepEqual(policyPaths([{ path: "secret/config", apiPath: false, capabilities: ["deny"] }], ["secret"]), [
            ...everyKvV2Prefix.map((p) => ({ path: `secret/${p}/config`, capabilities: ["deny"] })),
        ]);
    });

    it("treats an API name deeper than the first segment as an ordinary folder", () => {
        const rules: PolicyRule[] = [{ path: "secret/app/data/x", capabilities: ["read"] }];
        assert.deepEqual(checkPolicyRules("rules", rules, ["secret"]), []);
        assert.deepEqual(policyPaths(rules, ["secret"]), [{ path: "secret/data/app/data/x", capabilities: ["read"] }]);
    });

    it("accepts apiPath: true on a path on no kv-v2 mount and changes nothing there", () => {
        const rules: PolicyRule[] = [{ path: "my-app/*", apiPath: true, capabilities: ["read", "delete"] }];
        assert.deepEqual(checkPolicyRules("rules", rules, ["secret"]), []);
        assert.equal(renderPolicy(rules, ["secret"]), renderPolicy([{ path: "my-app/*", capabilities: ["read", "delete"] }], ["secret"]));
    });
});

describe("policy rule checks", () => {
    const one = (rule: any, kvV2Mounts: string[] = []) => checkPolicyRules("rules", [rule], kvV2Mounts);

    it("accepts a good rule", () => assert.deepEqual(one({ path: "my-app/*", capabilities: ["read"] }), []));
    it("rejects an unknown capability by name", () => {
        assert.deepEqual(one({ path: "my-app/*", capabilities: ["reed"] }), [
            'rules[0].capabilities: "reed" is not a Vault capability or kv-v2 action; use one of create, read, update, patch, delete, list, sudo, deny, or on a logical kv-v2 path delete-versions, undelete-versions, destroy-versions, delete-metadata, read-metadata.',
        ]);
    });
    it("rejects an empty path", () => assert.match(one({ path: " ", capabilities: ["read"] }).join(), /rules\[0\]\.path: is empty/));
    it("rejects a leading slash and says what to write", () => {
        assert.match(
            one({ path: "/my-app/*", capabilities: ["read"] }).join(),
            /starts with "\/"; Vault paths are relative, write "my-app\/\*"/,
        );
    });
    it("rejects no capabilities", () => assert.match(one({ path: "a", capabilities: [] }).join(), /capabilities: is empty/));
    it("rejects deny mixed with grants", () => assert.match(one({ path: "a", capabilities: ["deny", "read"] }).join(), /list it alone/));
    it("rejects a policy with no rules", () => assert.match(checkPolicyRules("rules", []).join(), /at least one rule/));

    it("rejects plain delete on a kv-v2 logical path and lists the spelled-out actions", () => {
        assert.deepEqual(one({ path: "secret/app/x", capabilities: ["read", "delete"] }, ["secret"]), [
            'rules[0].capabilities: "delete" on the kv-v2 path "secret/app/x" is ambiguous (soft delete of the latest version, of chosen versions, permanent destroy, or every version with the metadata); use delete-versions (soft, undoable), undelete-versions, destroy-versions (permanent, chosen versions) or delete-metadata (permanent, every version and the metadata), or set apiPath: true and grant "delete" on the API path, e.g. "secret/data/app/x".',
        ]);
    });
    it("refuses to render plain delete on a kv-v2 logical path", () => {
        assert.throws(
            () => policyPaths([{ path: "secret/app/x", capabilities: ["delete"] }], ["secret"]),
            /rules\[0\]\.capabilities: "delete" on the kv-v2 path/,
        );
    });
    it("accepts plain delete on a path on no kv-v2 mount and on a kv-v2 API path", () => {
        assert.deepEqual(one({ path: "my-app/*", capabilities: ["delete"] }, ["secret"]), []);
        assert.deepEqual(one({ path: "secret/data/app/x", apiPath: true, capabilities: ["delete"] }, ["secret"]), []);
    });

    it("rejects a kv-v2 action on a path on no kv-v2 mount", () => {
        assert.deepEqual(one({ path: "my-app/*", capabilities: ["destroy-versions"] }, ["secret"]), [
            'rules[0].capabilities: "destroy-versions" is a kv-v2 action, valid only on a logical path of a kv-v2 mount, and "my-app/*" is on no kv-v2 mount; list its mount in kvV2Mounts if it is kv-v2, or use Vault capabilities (create, read, update, patch, delete, list, sudo, deny).',
        ]);
    });
    it("rejects a kv-v2 action when no kv-v2 mounts are given (the two-argument call)", () => {
        assert.match(
            checkPolicyRules("svc.rules", [{ path: "secret/app/*", capabilities: ["read-metadata"] }]).join(),
            /^svc\.rules\[0\]\.capabilities: "read-metadata" is a kv-v2 action, valid only on a logical path of a kv-v2 mount, and "secret\/app\/\*" is on no kv-v2 mount;/,
        );
    });
    it("rejects a kv-v2 action on an API path and names the logical path", () => {
        assert.deepEqual(one({ path: "secret/data/app/x", apiPath: true, capabilities: ["delete-versions"] }, ["secret"]), [
            'rules[0].capabilities: "delete-versions" is a kv-v2 action, valid only on a logical path, and apiPath: true renders "secret/data/app/x" as written; grant Vault capabilities on the API path instead, or remove apiPath and write the logical path, e.g. "secret/app/x".',
        ]);
    });
    it("renders checked rules without checking them again, yet never an empty document for rules it cannot fold", () => {
        const rules: PolicyRule[] = [{ path: "my-app/*", capabilities: ["read", "list"] }];
        assert.equal(renderCheckedPolicy(rules, []), renderPolicy(rules, []));
        const unfoldable: PolicyRule[] = [
            { path: "kv1/*", capabilities: ["read"] },
            { path: "kv1/+/c*", capabilities: ["update"] },
        ];
        assert.throws(() => renderCheckedPolicy(unfoldable, []), /cannot render the policy:\n {2}- rules\[0\] "kv1\/\*" and rules\[1\]/);
    });
    it("refuses to render a kv-v2 action it cannot expand, naming the rules' field", () => {
        assert.throws(() => renderPolicy([{ path: "my-app/*", capabilities: ["undelete-versions"] }], [], "services.a.rules"), {
            message:
                'cannot render the policy:\n  - services.a.rules[0].capabilities: "undelete-versions" is a kv-v2 action, valid only on a logical path of a kv-v2 mount, and "my-app/*" is on no kv-v2 mount; list its mount in kvV2Mounts if it is kv-v2, or use Vault capabilities (create, read, update, patch, delete, list, sudo, deny).',
        });
        assert.throws(
            () => expandRule({ path: "my-app/*", capabilities: ["undelete-versions"] }, []),
            /^InvalidInputError: cannot render the policy:\n {2}- rule\.capabilities: "undelete-versions"/,
        );
    });

    it("rejects a first segment after a kv-v2 mount that names an API endpoint, naming both fixes", () => {
        assert.deepEqual(one({ path: "secret/data/app/*", capabilities: ["read"] }, ["secret"]), [
            'rules[0].path: "secret/data/app/*" starts with "data" right after the kv-v2 mount "secret", which is also a kv-v2 API endpoint; set apiPath: true if you mean the API path, rendered as written, or apiPath: false if "data" is a folder or secret of yours (then "secret/data/data/app/*" and so on).',
        ]);
    });
    for (const segment of ["config", "metadata", "delete", "undelete", "destroy", "subkeys"]) {
        it(`rejects "${segment}" right after a kv-v2 mount without apiPath and refuses to render it`, () => {
            const rule: PolicyRule = { path: `kv/team/${segment}`, capabilities: ["read"] };
            assert.deepEqual(checkPolicyRules("rules", [rule], ["kv/team"]), [
                `rules[0].path: "kv/team/${segment}" starts with "${segment}" right after the kv-v2 mount "kv/team", which is also a kv-v2 API endpoint; set apiPath: true if you mean the API path, rendered as written, or apiPath: false if "${segment}" is a folder or secret of yours (then "kv/team/data/${segment}" and so on).`,
            ]);
            assert.throws(() => policyPaths([rule], ["kv/team"]), /starts with "[a-z]+" right after the kv-v2 mount/);
        });
    }
    it("does not take an API name on a path on no kv-v2 mount for anything", () => {
        assert.deepEqual(one({ path: "my-app/data/x", capabilities: ["read"] }, ["secret"]), []);
    });

    it("rejects apiPath: false on a path on no kv-v2 mount", () => {
        assert.deepEqual(one({ path: "my-app/*", apiPath: false, capabilities: ["read"] }, ["secret"]), [
            'rules[0].apiPath: false asks for kv-v2 expansion, but "my-app/*" is on no kv-v2 mount; list its mount in kvV2Mounts if it is kv-v2, or remove apiPath.',
        ]);
    });
    it("rejects an apiPath that is not a boolean", () => {
        assert.deepEqual(one({ path: "secret/app", apiPath: "yes", capabilities: ["read"] }, ["secret"]), [
            'rules[0].apiPath: "yes" is not a boolean; set true (a Vault API path, rendered as written) or false (a logical kv-v2 path, expanded), or leave it out.',
        ]);
    });
    it("rejects a logical rule on the kv-v2 mount itself", () => {
        assert.deepEqual(one({ path: "secret", capabilities: ["read"] }, ["secret"]), [
            'rules[0].path: "secret" is the kv-v2 mount "secret" itself, not a secret in it; write "secret/*" for every secret on the mount, or set apiPath: true to grant on "secret" as written.',
        ]);
    });
});

describe("kv-v2 mount checks", () => {
    it("accepts mounts that are not nested, including ones sharing a name prefix", () => {
        assert.deepEqual(checkKvV2Mounts("kvV2Mounts", ["secret", "secret-team", "team/a", "team/b"]), []);
    });
    it("rejects a mount nested in another, naming both and the fix", () => {
        assert.deepEqual(checkKvV2Mounts("kvV2Mounts", ["secret", "secret/team"]), [
            'kvV2Mounts[1]: "secret/team" and kvV2Mounts[0] "secret" are nested ("secret/team" lies under "secret"), which Vault refuses ("path is already in use"); list only the mount that exists, or move one of them to a path outside the other.',
        ]);
    });
    it("rejects a mount that contains a mount listed before it", () => {
        assert.deepEqual(checkKvV2Mounts("m", ["a/b/c", "x", "a"]), [
            'm[2]: "a" and m[0] "a/b/c" are nested ("a/b/c" lies under "a"), which Vault refuses ("path is already in use"); list only the mount that exists, or move one of them to a path outside the other.',
        ]);
    });
    it("rejects a mount listed twice", () => {
        assert.deepEqual(checkKvV2Mounts("kvV2Mounts", ["secret", "kv", "secret/"]), [
            'kvV2Mounts[2]: "secret/" is listed twice (also kvV2Mounts[0]); remove one.',
        ]);
    });
    it("refuses to render with nested kv-v2 mounts", () => {
        assert.throws(
            () => policyPaths([{ path: "team/a/app/*", capabilities: ["read"] }], ["team", "team/a"]),
            /kvV2Mounts\[1\]: "team\/a" and kvV2Mounts\[0\] "team" are nested/,
        );
    });
});
