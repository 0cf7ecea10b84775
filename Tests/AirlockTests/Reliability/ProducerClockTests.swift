import Foundation
import Testing

@testable import AirlockProducer

/// Issue 23, item 9: a producer clock far behind would write bundles that are expired already.
/// The run refuses before reading anything; a clock a little behind the newest bundle makes
/// the bundle and warns. `SOURCE_DATE_EPOCH` stands in for the clock (the same rules apply).
@Suite struct ProducerClockTests {
    static let year2000 = "946684800"

    @Test func aClockResetToTheYear2000WritesNoBundle() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        let run = try workspace.airlock(["run", "--once"], environment: ["SOURCE_DATE_EPOCH": Self.year2000])
        #expect(run.status == 64, "\(run.output)\(run.error)")
        #expect(
            run.error.contains(
                "SOURCE_DATE_EPOCH says 2000-01-01T00:00:00Z, so a bundle made now would expire at 2000-01-31T00:00:00Z, but this release was made after 2026-01-01T00:00:00Z"
            ), "\(run.error)")
        #expect(try workspace.bundles().isEmpty)
        #expect(FileManager.default.fileExists(atPath: workspace.inbox.appendingPathComponent("payments.csv").path))
    }

    @Test func aClockBehindTheNewestBundleByMoreThanALifetimeIsRefusedAndALittleIsWarned() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let now = Int(Date().timeIntervalSince1970)
        try workspace.drop(TestWorkspace.exampleDrop)
        #expect(try workspace.airlock(["run", "--once"]).status == 0)
        try workspace.drop(TestWorkspace.secondDrop)
        let farBehind = try workspace.airlock(
            ["run", "--once"], environment: ["SOURCE_DATE_EPOCH": "\(now - 60 * 86_400)"])
        #expect(farBehind.status == 64)
        #expect(farBehind.error.contains("but bundle 000001 was made at"), "\(farBehind.error)")
        let behind = try workspace.airlock(["run", "--once"], environment: ["SOURCE_DATE_EPOCH": "\(now - 86_400)"])
        #expect(behind.status == 0, "\(behind.output)\(behind.error)")
        #expect(behind.error.contains("the clock is behind the newest bundle"), "\(behind.error)")
        #expect(try workspace.bundles().count == 2)
    }

    @Test func bundlesThatNeverExpireMayCarryAnyTime() throws {
        let spec = try TestWorkspace.exampleSpecMovingFiles().replacingOccurrences(
            of: "expires_after: 30d", with: "expires_after: never")
        let workspace = try TestWorkspace(spec: spec)
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        let run = try workspace.airlock(["run", "--once"], environment: ["SOURCE_DATE_EPOCH": Self.year2000])
        #expect(run.status == 0, "\(run.error)")
    }
}
