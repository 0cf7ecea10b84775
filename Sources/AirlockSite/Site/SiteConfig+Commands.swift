import AirlockBase

extension SiteConfig {
    /// What a command's flags (`--require-approvals`, `--require-role`) and this config
    /// together require on top of each bundle's own policy: the roles of both, the flags'
    /// count, and the config's count as a floor. A flag asking for fewer approvals than the
    /// config is refused rather than taken, so a typo on the command line never weakens the site.
    package func approvals(adding flags: SiteApprovals) throws -> SiteApprovals {
        if let asked = flags.count, let required = approvals.count, asked < required, let path {
            throw SiteConfigError.weakerThanSite(asked: asked, site: required, path: path)
        }
        var roles = approvals.roles
        roles += flags.roles.filter { !roles.contains($0) }
        return SiteApprovals(count: flags.count, roles: roles, minimum: approvals.count ?? 0)
    }

    /// The database `text` names: one of `targets` by name, or else `text` read as a target
    /// (`sqlite:PATH`, `postgres:CONNINFO`, a `postgres://` URI). With `realRun`, a target the
    /// config marks dry-run only is refused.
    package func target(_ text: String, realRun: Bool = false) throws -> Target {
        guard let named = targets[text] else {
            do {
                return try Target(text)
            } catch let TargetError.badTarget(reason) where !targets.isEmpty {
                let names = targets.keys.sorted().joined(separator: ", ")
                throw TargetError.badTarget("\(reason), or a target \(path ?? "the site config") names (\(names))")
            }
        }
        if realRun, named.dryRunOnly, let path { throw SiteConfigError.dryRunOnly(name: text, path: path) }
        return try Target(named.target)
    }
}
