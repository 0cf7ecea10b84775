import AirlockBase

/// A site config that cannot be read, or that a command line contradicts.
package enum SiteConfigError: AirlockError, Equatable {
    /// The file is not YAML, or a setting in it is wrong.
    case invalid(path: String, at: String, reason: String)
    /// `--site FILE` names a file that is not there.
    case missing(path: String)
    /// The command line asks for fewer approvals than the site requires.
    case weakerThanSite(asked: Int, site: Int, path: String)
    /// A real apply or rollback on a target the site marks dry-run only.
    case dryRunOnly(name: String, path: String)

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .invalid(path, place, reason): return "\(path): \(place): \(reason)"
        case let .missing(path): return "\(path): no such site config"
        case let .weakerThanSite(asked, site, path):
            return
                "--require-approvals \(asked) asks for fewer approvals than the site requires (\(site), \(path)); a command may ask for more, never less"
        case let .dryRunOnly(name, path):
            return
                "target '\(name)' is dry-run only (\(path)): add --dry-run, or use the live target's name"
        }
    }
}
