import Foundation
import GRDB
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSpec

/// `airlock watch` as a separate process: the whole bad-input corpus dropped beside good files,
/// a file written slowly, and a clean stop on SIGTERM.
@Suite(.serialized) struct WatcherTests {
    /// What each file of `Tests/Fixtures/bad` gets in its `NAME.error.txt`. Files whose lines all
    /// start with "rejected:" go to `inbox/rejected/`; the others were read in part and go to
    /// `inbox/processed/`.
    static let expectedErrors: [String: String] = [
        "drop-absolute-path.tar.gz":
            "rejected: drop-absolute-path.tar.gz: member '/tmp/payments.csv': an unsafe path (absolute, '..', empty or control characters); the archive is refused and nothing in it is ingested\n",
        "drop-device.tar.gz":
            "rejected: drop-device.tar.gz: member 'payments.csv': not a regular file (directories, links and devices are refused); the archive is refused and nothing in it is ingested\n",
        "drop-duplicate-member.zip":
            "rejected: drop-duplicate-member.zip: member 'payments.csv': appears twice in the archive; the archive is refused and nothing in it is ingested\n",
        "drop-empty.tar.gz": "rejected: drop-empty.tar.gz: the archive holds no files\n",
        "drop-hardlink.tar":
            "rejected: drop-hardlink.tar: member 'payments-b.csv': a hard link (only regular files are accepted); the archive is refused and nothing in it is ingested\n",
        "drop-not-a-zip.zip": "rejected: drop-not-a-zip.zip: not a readable archive: Unrecognized archive format\n",
        "drop-path-traversal.zip":
            "rejected: drop-path-traversal.zip: member '../../etc/payments.csv': an unsafe path (absolute, '..', empty or control characters); the archive is refused and nothing in it is ingested\n",
        "drop-symlink.tar.gz":
            "rejected: drop-symlink.tar.gz: member 'payments.csv': a symbolic link (only regular files are accepted); the archive is refused and nothing in it is ingested\n",
        "drop-truncated.tar.gz": "rejected: drop-truncated.tar.gz: not a readable archive: truncated gzip input\n",
        "drop-zip-bomb.zip":
            "rejected: drop-zip-bomb.zip: member 'payments-bomb.csv': declares 67108926 bytes, more than the limit of 16 MB per member; the archive is refused and nothing in it is ingested\n",
        "events-all-bad.ndjson":
            "rejected: events-all-bad.ndjson: line 1: invalid JSON: Invalid value; no record of the file could be read (2 failed)\n",
        "events-empty.ndjson": "rejected: events-empty.ndjson: the file holds no records\n",
        "notes.txt":
            "rejected: notes.txt: no entity in the spec takes this file (no source.files pattern matches its name)\n",
        "payments-all-rows-bad.csv":
            "rejected: payments-all-rows-bad.csv: line 2: 2 fields where the header has 6; no record of the file could be read (3 failed)\n",
        "payments-binary-garbage.csv":
            "rejected: payments-binary-garbage.csv: binary data, not a text file (464 control characters in the first 4096 bytes)\n",
        "payments-blank-lines.csv":
            "rejected: payments-blank-lines.csv: line 1: the line is empty; the first line must name the columns\n",
        "payments-bom-only.csv": "rejected: payments-bom-only.csv: the file is empty\n",
        "payments-duplicate-header.csv":
            "rejected: payments-duplicate-header.csv: line 1: column name 'Amount' appears twice\n",
        "payments-empty-header-name.csv":
            "rejected: payments-empty-header-name.csv: line 1: column 3 has an empty name\n",
        "payments-empty.csv": "rejected: payments-empty.csv: the file is empty\n",
        "payments-gzip-renamed.csv":
            "rejected: payments-gzip-renamed.csv: binary data, not a text file (9 zero bytes in the first 112, the first at offset 3)\n",
        "payments-header-broken.csv":
            "rejected: payments-header-broken.csv: line 1: text after the closing quote of a quoted field\n",
        "payments-header-only.csv": "rejected: payments-header-only.csv: the file holds no records\n",
        "payments-missing-column.csv":
            "rejected: payments-missing-column.csv: line 1: no column 'Paid at' (named by entities.payments.columns.paid_at); the header has: 'Payment ID', 'First name', 'Last name', 'Amount', 'Method'\n",
        "payments-not-gzip.csv.gz":
            "rejected: payments-not-gzip.csv.gz: not gzip-compressed, though its name ends in .gz\n",
        "payments-png-renamed.csv":
            "rejected: payments-png-renamed.csv: binary data, not a text file (67 zero bytes in the first 80, the first at offset 8)\n",
        "payments-utf16-odd-length.csv":
            "rejected: payments-utf16-odd-length.csv: the file ends inside a UTF-16LE character\n",
        "payments-windows-1252.csv":
            "rejected: payments-windows-1252.csv: line 2: the text is neither UTF-8 nor Latin-1 (byte 0x93); declare its encoding in the spec, for example source.encoding: windows-1252\n",
        "products-bom-in-middle.json": "rejected: products-bom-in-middle.json: line 1: invalid JSON: Invalid value\n",
        "products-deep-nesting.json":
            "rejected: products-deep-nesting.json: line 1: invalid JSON: Too many nested arrays or dictionaries\n",
        "products-empty-array.json": "rejected: products-empty-array.json: the file holds no records\n",
        "products-empty.json": "rejected: products-empty.json: invalid JSON: the file is empty\n",
        "products-not-an-envelope.json":
            "rejected: products-not-an-envelope.json: invalid JSON: expected an array of records at 'data.products', found nothing\n",
        "products-nul-byte.json":
            "rejected: products-nul-byte.json: line 1: invalid JSON: Unescaped control character\n",
        "products-records-not-array.json":
            "rejected: products-records-not-array.json: invalid JSON: expected an array of records at 'data.products', found object\n",
        "products-trailing-garbage.json":
            "rejected: products-trailing-garbage.json: line 1: invalid JSON: Invalid value\n",
        "products-whitespace.json": "rejected: products-whitespace.json: invalid JSON: the file is empty\n",
        "report.xlsx":
            "rejected: report.xlsx: no entity in the spec takes this file (no source.files pattern matches its name)\n",
        "events-array-line.ndjson": "held back: events-array-line.ndjson: line 2: expected a JSON object, found array\n"
            + "held back: events-array-line.ndjson: line 3: expected a JSON object, found a string\n",
        "events-bad-line.ndjson":
            "held back: events-bad-line.ndjson: line 2: invalid JSON: the text ends before the JSON is complete (cut off?)\n",
        "payments-10mb-field.csv":
            "held back: payments-10mb-field.csv: line 3, field 2 ('First name'): a field of 1 MB or more, the limit for one field\n",
        "payments-bom-in-middle.csv":
            "held back: payments-bom-in-middle.csv: line 3, field 1 ('Payment ID'): a byte-order mark (U+FEFF) inside the file; were two files joined?\n",
        "payments-invalid-utf8.csv":
            "held back: payments-invalid-utf8.csv: line 3, field 2 ('First name'): the text is not valid UTF-8\n",
        "payments-nul-byte.csv":
            "held back: payments-nul-byte.csv: line 3, field 2 ('First name'): a zero byte; this is not text\n",
        "payments-quote-in-field.csv":
            "held back: payments-quote-in-field.csv: line 3, field 2 ('First name'): a quote inside an unquoted field; quote the field and double the quote (\"\")\n",
        "payments-text-after-quote.csv":
            "held back: payments-text-after-quote.csv: line 3, field 2 ('First name'): text after the closing quote of a quoted field\n",
        "payments-too-few-fields.csv":
            "held back: payments-too-few-fields.csv: line 3: 5 fields where the header has 6\n",
        "payments-too-many-fields.csv":
            "held back: payments-too-many-fields.csv: line 3: 7 fields where the header has 6\n",
        "payments-unbalanced-quote.csv":
            "held back: payments-unbalanced-quote.csv: line 3, field 2 ('First name'): a quoted field is never closed (unbalanced quote); the rest of the file from this line is held back\n",
        "products-invalid.json":
            "held back: products-invalid.json: line 3: invalid JSON: Invalid value; the rest of the file from this line is held back\n",
        "products-truncated.json":
            "held back: products-truncated.json: line 3: invalid JSON: the text ends before the JSON is complete (cut off?); the rest of the file from this line is held back\n",
        "products-scalars-among-records.json":
            "held back: products-scalars-among-records.json: record 1: expected an object, found integer\n"
            + "held back: products-scalars-among-records.json: record 2: expected an object, found a string\n"
            + "held back: products-scalars-among-records.json: record 4: expected an object, found null\n"
    ]

    private func startWatcher(_ workspace: TestWorkspace, settle: Double, polling: Bool = false) throws
        -> AirlockProcess
    {
        let arguments =
            ["watch", "--settle", "\(settle)", "--workspace", workspace.root.path]
            + (polling ? ["--poll", "--poll-interval", "0.2"] : [])
        let watcher = try AirlockProcess(
            arguments,
            logTo: workspace.root.appendingPathComponent("watch.log"))
        #expect(AirlockProcess.wait(upTo: 30) { watcher.log.contains("watching the inbox") }, "\(watcher.log)")
        return watcher
    }

    private func inboxIsEmpty(_ workspace: TestWorkspace) throws -> Bool {
        try InboxFile.list(in: workspace.inbox).isEmpty
    }

    @Test func everyBadFileIsNamedAndTheGoodOnesProceed() throws {
        let workspace = try TestWorkspace(
            spec: String(
                contentsOf: TestWorkspace.fixtures.appendingPathComponent("corpus/airlock.yml"), encoding: .utf8))
        defer { workspace.remove() }
        let watcher = try startWatcher(workspace, settle: 0.5)
        let corpus = try FileManager.default.contentsOfDirectory(
            atPath: TestWorkspace.fixtures.appendingPathComponent("bad").path
        )
        .filter { $0 != "make-fixtures.py" }.sorted()
        #expect(corpus.count >= 40)
        #expect(Set(corpus) == Set(Self.expectedErrors.keys))
        try workspace.drop(
            corpus.map { TestWorkspace.fixtures.appendingPathComponent("bad/\($0)") } + TestWorkspace.exampleDrop)
        #expect(
            try AirlockProcess.wait(upTo: 120) {
                try inboxIsEmpty(workspace) && watcher.log.contains("wrote bundle") || !watcher.process.isRunning
            })
        #expect(watcher.process.isRunning, "the watcher stopped: \(watcher.log)")

        for (name, expected) in Self.expectedErrors {
            let folder =
                expected.split(separator: "\n").allSatisfy { $0.hasPrefix("rejected:") } ? "rejected" : "processed"
            let errorFile = workspace.inbox.appendingPathComponent("\(folder)/\(name).error.txt")
            #expect((try? String(contentsOf: errorFile, encoding: .utf8)) == expected, "\(folder)/\(name).error.txt")
            #expect(
                FileManager.default.fileExists(
                    atPath: workspace.inbox.appendingPathComponent("\(folder)/\(name)").path), "\(name)")
        }
        // Nothing of the good files is lost: every record is in, and the snapshot holds their rows.
        try DatabaseQueue(path: workspace.database.path).read { (db: Database) throws -> Void in
            #expect(
                try Int.fetchOne(
                    db, sql: "SELECT records FROM airlock_files WHERE name = 'products.json' AND state = 'bundled'")
                    == 4)
            #expect(
                try Int.fetchOne(
                    db, sql: "SELECT records FROM airlock_files WHERE name = 'payments.csv' AND state = 'bundled'") == 3
            )
            #expect(
                try String.fetchAll(db, sql: "SELECT product_id FROM base_products ORDER BY 1") == [
                    "P-1", "P-100", "P-101", "P-102", "P-103"
                ])
            #expect(
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT first_name FROM base_payments WHERE payment_id IN (1001, 1002, 1003) ORDER BY payment_id"
                )
                    == ["Thandi", "O'Brien", "Lerato"])
        }
        watcher.signal(SIGTERM)
        #expect(watcher.exitStatus() == 0)
        #expect(watcher.log.contains("stopping"))
    }

    /// A file written in chunks, with pauses longer than the settle time, through one open
    /// handle; a second file lands meanwhile. Both become one bundle, the slow one read once,
    /// whole; with inotify and with polling.
    @Test(arguments: [false, true]) func aSlowlyWrittenFileIsReadOnceAndComplete(polling: Bool) throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let watcher = try startWatcher(workspace, settle: 0.2, polling: polling)
        #expect(watcher.log.contains(polling ? "mode=polling" : "mode=inotify"))
        let file = workspace.inbox.appendingPathComponent("payments-slow.csv")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        try handle.write(
            contentsOf: Data("\"Payment ID\",\"First name\",\"Last name\",Amount,Method,\"Paid at\"\n".utf8))
        for chunk in 0..<5 {
            Thread.sleep(forTimeInterval: 0.7)
            let rows = (0..<100).map { "\(chunk * 100 + $0),Name \($0),Surname,1.00,card,2026-11-05\n" }.joined()
            // Cut mid-row, so a premature read would see a short last record.
            let bytes = Array(rows.utf8)
            try handle.write(contentsOf: Data(bytes[..<(bytes.count / 2)]))
            if chunk == 2 { try workspace.drop([TestWorkspace.exampleDrop[0]]) }
            Thread.sleep(forTimeInterval: 0.5)
            try handle.write(contentsOf: Data(bytes[(bytes.count / 2)...]))
        }
        try handle.close()
        #expect(
            try AirlockProcess.wait(upTo: 60) { try inboxIsEmpty(workspace) && watcher.log.contains("wrote bundle") })
        Thread.sleep(forTimeInterval: 1)
        try DatabaseQueue(path: workspace.database.path).read { (db: Database) throws -> Void in
            #expect(
                try Row.fetchAll(db, sql: "SELECT name, records, bundle_sequence FROM airlock_files ORDER BY name").map
                {
                    "\($0[0] as String) \($0[1] as Int) \(($0[2] as Int?).map(String.init) ?? "unbundled")"
                } == ["payments-slow.csv 500 1", "products.json 4 1"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM airlock_unparsed") == 0)
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: workspace.root.appendingPathComponent("outbox").path)
                == ["bundle-000001.tar.gz"])
        watcher.signal(SIGINT)
        #expect(watcher.exitStatus() == 0)
    }
}
