import Foundation
import Testing

@testable import AirlockSite

/// Reviewers add members to one bundle file, which anyone may do: two at once must both
/// land, and a file stuffed with review members is refused before they cost a signature
/// check each.
@Suite(.tags(.sqlite3), .runsExternalPrograms) struct ReviewRaceTests {
    /// Two reviewers amending one file at once, 20 times each way: alice and bob approving
    /// together always leave both approvals; alice approving while bob rejects always leaves
    /// bob's rejection, and alice's approval whenever hers succeeded (after the rejection landed,
    /// approving is refused). Before the bundle's lock, one member was lost about once in six.
    @Test func concurrentReviewersKeepEveryMemberTheyReported() throws {
        let fixture = try TrustFixture.shared.get()
        let workspace = fixture.workspace.root.path
        func start(_ arguments: [String], on copy: URL) throws -> AirlockProcess {
            try AirlockProcess(
                [arguments[0], copy.path] + arguments.dropFirst() + ["--workspace", workspace],
                logTo: fixture.file("review.log"))
        }
        for round in 1...20 {
            let copy = fixture.file("raced.tar.gz")
            try FileManager.default.copyItem(at: fixture.bundle2, to: copy)
            let alice = try start(["approve", "--key", "alice"], on: copy)
            let bob = try start(["approve", "--key", "bob"], on: copy)
            #expect(alice.exitStatus() == 0 && bob.exitStatus() == 0, "\(alice.log)\(bob.log)")
            let approved = try fixture.verifier().verify(copy, policy: .integrityOnly)
            #expect(approved.approvals.map(\.name).sorted() == ["alice", "bob"], "round \(round)")

            let second = fixture.file("raced.tar.gz")
            try FileManager.default.copyItem(at: fixture.bundle2, to: second)
            let approving = try start(["approve", "--key", "alice"], on: second)
            let rejecting = try start(["reject", "--key", "bob", "--reason", "round \(round)"], on: second)
            let approval = approving.exitStatus(), rejection = rejecting.exitStatus()
            #expect(rejection == 0, "\(rejecting.log)")
            #expect(approval == 0 || approving.log.contains("rejected by bob"), "\(approving.log)")
            let reviewed = try fixture.verifier().verify(second, policy: .integrityOnly)
            #expect(reviewed.rejections.map(\.name) == ["bob"], "round \(round)")
            #expect(reviewed.approvals.map(\.name) == (approval == 0 ? ["alice"] : []), "round \(round)")
        }
    }

    /// More review members than `BundleLayout.maximumReviewMembers` refuse the bundle, naming
    /// the limit; as many as the limit are read (and, being junk, not counted).
    @Test func aBundleStuffedWithReviewMembersIsRefused() throws {
        let fixture = try TrustFixture.shared.get()
        func stuffed(_ count: Int) throws -> URL {
            try fixture.tampered { entries, _ in
                for index in 0..<count {
                    entries.append(.init(name: "approvals/junk\(index).sig", kind: .bytes(Array("junk".utf8))))
                }
            }
        }
        let atLimit = try fixture.verifier().verify(
            try stuffed(BundleLayout.maximumReviewMembers), policy: .integrityOnly)
        #expect(atLimit.approvals.isEmpty && atLimit.ignored.count == BundleLayout.maximumReviewMembers)
        #expect {
            try fixture.verifier().verify(try stuffed(BundleLayout.maximumReviewMembers + 1), policy: .integrityOnly)
        } throws: { error in
            "\(error)".contains("more than \(BundleLayout.maximumReviewMembers) approvals and rejections")
        }
    }
}
