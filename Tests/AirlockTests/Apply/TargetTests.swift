import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockSite

/// How a target is named on the command line: SQLite files, libpq keyword lists and URIs,
/// with any password kept out of messages and off psql's command line.
@Suite struct TargetTests {
    @Test func targetsAreParsedWithTheirDialect() throws {
        #expect(try Target("sqlite:/srv/shop.db") == .sqlite(path: "/srv/shop.db"))
        #expect(try Target("postgres:dbname=shop") == .postgres(conninfo: "dbname=shop"))
        #expect(try Target("postgresql:dbname=shop") == .postgres(conninfo: "dbname=shop"))
        #expect(try Target("postgres://app@db/shop") == .postgres(conninfo: "postgres://app@db/shop"))
        #expect(try Target("postgresql://app@db/shop") == .postgres(conninfo: "postgresql://app@db/shop"))
        for text in ["sqlite:", "sqlite::memory:", "mysql://x", "shop.db"] {
            #expect(throws: TargetError.self) { try Target(text) }
        }
        #expect(
            TargetError.cannotConnect(target: "x", reason: "y").exitStatus == .cannotConnect
                && ExitStatus.cannotConnect.rawValue == 7 && ExitStatus.targetDoesNotFit.rawValue == 6)
    }

    @Test func passwordsAreTakenOutOfConnectionStrings() throws {
        let cases: [(String, String, String?, String)] = [
            ("dbname=shop", "dbname=shop", nil, "dbname=shop"),
            (
                "host=/run/pg dbname=shop password=s3cr3t", "host='/run/pg' dbname='shop'", "s3cr3t",
                "host='/run/pg' dbname='shop' password=***"
            ),
            // libpq refuses this one (missing "=" after "'s'"), but it must not show what was meant.
            ("password = 'it''s' dbname=x", "password = 'it''s' dbname=x", nil, "password=***"),
            ("host=/run/pg password='unclosed", "host=/run/pg password='unclosed", nil, "host=/run/pg password=***"),
            ("password = 'a b' dbname=x", "dbname='x'", "a b", "password=*** dbname='x'"),
            ("password='a \\'b\\' c' dbname=x", "dbname='x'", "a 'b' c", "password=*** dbname='x'"),
            (
                "postgresql://app:p%40ss@db:5432/shop?sslmode=require", "postgresql://app@db:5432/shop?sslmode=require",
                "p@ss", "postgresql://app:***@db:5432/shop?sslmode=require"
            ),
            (
                "postgres://app@db/shop?password=x&sslmode=disable", "postgres://app@db/shop?sslmode=disable", "x",
                "postgres://app@db/shop?password=***&sslmode=disable"
            ),
            (
                "dbname=postgres://app:pw@db/shop", "dbname='postgres://app@db/shop'", "pw",
                "dbname='postgres://app:***@db/shop'"
            )
        ]
        for (text, without, password, redacted) in cases {
            let conninfo = PostgresConninfo(text)
            #expect(conninfo.withoutPassword == without, "\(text)")
            #expect(conninfo.password == password, "\(text)")
            #expect(conninfo.redacted == redacted, "\(text)")
        }
        #expect(try Target("postgres://app:s3cr3t@db/shop").description == "postgres://app:***@db/shop")
        #expect(try Target("postgres:password=s3cr3t").description == "postgres:password=***")
    }
}
