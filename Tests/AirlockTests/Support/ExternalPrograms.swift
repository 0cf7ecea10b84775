import Foundation
import Testing

/// The programs beyond the test binary that a suite runs, as users would: a PostgreSQL server
/// with `psql`, the `sqlite3` shell, `ssh-keygen`, headless Chromium, python3 with openpyxl.
extension Tag {
    /// A PostgreSQL server (`AIRLOCK_TEST_PG`) through `psql`.
    @Tag static var postgres: Self
    /// The `sqlite3` shell.
    @Tag static var sqlite3: Self
    /// OpenSSH's `ssh-keygen`.
    @Tag static var sshKeygen: Self
    /// Headless Chromium, through `scripts/report-check`.
    @Tag static var chromium: Self
    /// python3: the local test API (`APIServer`) and files made as other tools write them.
    @Tag static var python3: Self
    /// python3 with openpyxl, which writes the xlsx workbooks (`Tests/Fixtures/xlsx/make-workbooks.py`).
    @Tag static var openpyxl: Self
}

extension Trait where Self == ConditionTrait {
    /// Leaves the suite out when only the tests that need no other program are asked for
    /// (`scripts/test --unit` sets `AIRLOCK_UNIT_TESTS_ONLY`); CI runs every suite.
    static var runsExternalPrograms: Self {
        .disabled(
            if: ProcessInfo.processInfo.environment["AIRLOCK_UNIT_TESTS_ONLY"] != nil,
            "runs programs beyond the test binary (see its tags)")
    }
}
