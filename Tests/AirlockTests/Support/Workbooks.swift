import Foundation

/// The xlsx workbooks `Tests/Fixtures/xlsx/make-workbooks.py` writes with openpyxl (its header
/// says what each one holds), made afresh for each test in a folder of its workspace.
struct Workbooks {
    let folder: URL

    init(in workspace: TestWorkspace) throws {
        folder = workspace.root.appendingPathComponent("workbooks")
        let script = TestWorkspace.fixtures.appendingPathComponent("xlsx/make-workbooks.py")
        let made = try Shell.run(["python3", script.path, folder.path])
        guard made.status == 0 else {
            throw ShellError(description: "\(script.path) failed (scripts/setup installs openpyxl): \(made.error)")
        }
    }

    func callAsFunction(_ name: String) -> URL { folder.appendingPathComponent(name) }
}
