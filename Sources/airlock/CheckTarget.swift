import AirlockBase
import AirlockProducer
import AirlockSite
import AirlockSpec
import ArgumentParser
import Foundation

struct CheckTarget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-target",
        abstract: "Check, reading only, that a target's tables can take a bundle, or the workspace's spec.",
        discussion: """
            Runs the check every script of a bundle starts with, and nothing after it, in a \
            transaction that is rolled back: the script's ledger guards, then each table the \
            bundle writes against what the bundle needs of it: the schema and table (a table \
            the target lacks is made by an upsert or cutover), each column the spec fills and \
            a type that holds its values, the enum labels the bundle's rows use, values a \
            column refuses (varchar length, uuid, jsonb, integer range, domain checks), NOT \
            NULL columns nobody fills or the rows leave empty, CHECK constraints, and the \
            unique key upsert: on_conflict needs. Every problem is listed at once.

            Without a bundle, checks the tables against the workspace's airlock.yml alone \
            (no rows: the spec's enum values: against enum columns).

            Exit status 0 when the target fits, 6 when it does not, 7 when it cannot be reached.

            Examples:
              airlock check-target --target postgres:'dbname=shop' bundle-000002.tar.gz
              airlock check-target --target postgres:'dbname=shop' bundle-000002.tar.gz \\
                  --mode cutover
              airlock check-target --target sqlite:/srv/shop.db --workspace /srv/airlock
            """
    )

    @Argument(help: "The bundle file; without one, the workspace's spec.")
    var bundle: String?

    @Option(
        help: ArgumentHelp(
            "The database: sqlite:PATH, postgres:CONNINFO, a postgres:// URI, or a target the site config names.",
            valueName: "target"))
    var target: String

    @Option(help: "The script whose check to run: upsert or cutover.")
    var mode: BundleApplier.Mode = .upsert

    @OptionGroup var trust: TrustOptions

    func run() throws {
        let site = try trust.site.load()
        let target = try site.target(target)
        let printed: [String]
        if let bundle {
            let outcome = try BundleApplier(verifier: try trust.verifier(under: site)).check(
                URL(fileURLWithPath: bundle), against: target, mode: mode)
            printed = outcome.printed
        } else {
            let spec = try Spec.load(path: trust.workspace.url.appendingPathComponent("airlock.yml").path)
            let work = try PrivateFolder(prefix: "airlock-check")
            let script = work.url.appendingPathComponent("check-target.sql")
            try TargetCheckScript(dialect: target.dialect, spec: spec).write(to: script)
            printed = try target.check(script)
        }
        for line in printed { printLine(line) }
    }
}
