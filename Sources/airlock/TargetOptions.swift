import AirlockSite
import ArgumentParser

/// The database `apply` and `rollback` run a bundle's script on, and what the script does
/// about rows edited there since the bundle before.
struct TargetOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The database: sqlite:PATH, postgres:CONNINFO, a postgres:// URI (a password is never printed), or a target the site config names.",
            valueName: "target"))
    var target: String

    @Option(help: "stop: refuse a target whose rows drifted; skip: leave drifted rows as they are and change the rest.")
    var onDrift: BundleApplier.DriftAction = .stop

    /// The target under `config`; with `realRun`, one the config marks dry-run only is refused.
    func parsed(under config: SiteConfig, realRun: Bool) throws -> Target {
        try config.target(target, realRun: realRun)
    }
}
