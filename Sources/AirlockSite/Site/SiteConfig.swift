import AirlockBase
import Foundation

/// A site's own settings, kept beside its databases rather than passed on every command line:
/// the keys it trusts, the approvals it requires on top of each bundle's own policy, how long
/// past its expiry a bundle is still accepted, and its databases by name. Read from
/// `--site FILE`, or from `/etc/airlock/site.yml` when that exists (`SiteConfigReader`).
///
/// ```yaml
/// allowed_signers: keys/allowed_signers    # relative to this file's folder
/// revoked_keys: keys/revoked_keys
/// approvals: {required: 2, roles: [dba]}
/// expiry_grace: 7d
/// targets:
///   live: {target: "postgres:host=/run/postgresql dbname=shop"}
///   rehearsal: {target: "sqlite:/srv/rehearsal.db", dry_run_only: true}
/// ```
package struct SiteConfig: Equatable, Sendable {
    /// Where a site keeps its config when no `--site` names one.
    package static let defaultPath = "/etc/airlock/site.yml"

    /// The file this config was read from; nil when there is none (no `--site`, and nothing
    /// at `defaultPath`).
    package var path: String?
    package var allowedSigners: URL?
    package var revokedKeys: URL?
    /// The least the site requires of every bundle; a command line may ask for more, never less.
    package var approvals = SiteApprovals()
    /// Seconds past a bundle's `expires` during which it is still accepted (a site that
    /// receives its bundles late); 0 accepts none.
    package var expiryGrace: Double = 0
    package var targets: [String: NamedTarget] = [:]

    package init() {}

    /// A database of the site, by the name commands use (`--target live`).
    package struct NamedTarget: Equatable, Sendable {
        /// `sqlite:PATH`, `postgres:CONNINFO` or a `postgres://` URI.
        package var target: String
        /// A rehearsal or simulation copy: bundles are applied and rolled back here only with
        /// `--dry-run`, so a command meant for it never changes it, and one meant for the live
        /// database is not run here by mistake.
        package var dryRunOnly = false

        package init(target: String, dryRunOnly: Bool = false) {
            self.target = target
            self.dryRunOnly = dryRunOnly
        }
    }
}
