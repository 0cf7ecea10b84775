import Foundation
import GRDB
import Testing

@testable import AirlockProducer

@Suite struct WorkspaceConnectionTests {
    /// Freed pages are not overwritten (Debian's SQLite would: a dropped table costs two more
    /// writes of it), in the workspace and in the temp schema the normalizer's tables live in,
    /// which SQLite opens only when the first of them is made.
    @Test func freedPagesAreNotOverwrittenInTheWorkspaceOrItsTempSchema() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        try workspace.drop(TestWorkspace.exampleDrop)
        let opened = try Workspace(root: workspace.root.path)
        _ = try Producer(workspace: opened, logger: .test).runOnce()
        let settings = try opened.database.read { db in
            try [
                Int.fetchOne(db, sql: "PRAGMA main.secure_delete"),
                Int.fetchOne(db, sql: "PRAGMA temp.secure_delete")
            ]
        }
        // 2 is FAST: deleted rows are cleared within the pages that stay in use, freed pages are left alone.
        #expect(settings == [2, 2])
    }
}
