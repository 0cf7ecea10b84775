import AirlockSite
import ArgumentParser

/// `--site FILE`: the site's own config (`SiteConfig`), read strictly; without the flag, the
/// one at /etc/airlock/site.yml when that exists.
struct SiteOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The site config: trusted keys, required approvals, expiry grace, named targets (default: /etc/airlock/site.yml, if present).",
            valueName: "file"))
    var site: String?

    func load() throws -> SiteConfig { try SiteConfigReader.load(site) }
}
