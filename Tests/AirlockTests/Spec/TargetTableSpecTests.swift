import Testing

@testable import AirlockBase
@testable import AirlockSpec

/// `table:` names an entity's target table, optionally in a schema, each part as written;
/// foreign keys follow the parent's table, and names Airlock could not keep apart are refused.
@Suite struct TargetTableSpecTests {
    private static func spec(users: String = "table: auth.users", profiles: String = "") -> String {
        """
        producer: {key: p}
        entities:
          users:
            source: {files: "users*.json"}
            \(users)
            key: id
            columns: {id: text, email: text}
          profiles:
            source: {files: "profiles*.json"}
            \(profiles)
            key: user_id
            columns: {user_id: {type: text, references: users}, data: text}

        """
    }

    @Test func tablesAreNamedWithTheirSchemaAndForeignKeysFollowThem() throws {
        let spec = try Spec.parse(yaml: Self.spec(profiles: "table: unified_profiles"))
        let users = spec.entity(named: "users"), profiles = spec.entity(named: "profiles")
        #expect(users.table == TableName(schema: "auth", name: "users"))
        #expect(profiles.table == TableName(name: "unified_profiles"))
        #expect(profiles.columns[0].referencedTable == users.table)
        #expect(users.table.qualified(.postgres) == #""auth"."users""#)
        #expect(users.table.qualified(.sqlite) == #""users""#)
        #expect(users.table.suffixed("__backup_000002").qualified(.postgres) == #""auth"."users__backup_000002""#)
        #expect(try Spec.parse(yaml: Self.spec(users: "")).entity(named: "users").table == TableName(name: "users"))
    }

    @Test func partsAreTakenAsWrittenAndMayBeQuoted() {
        #expect(TableName(spelling: "Auth.Users") == TableName(schema: "Auth", name: "Users"))
        #expect(TableName(spelling: #""my.schema"."a ""b""""#) == TableName(schema: "my.schema", name: #"a "b""#))
        #expect(TableName(spelling: #""my.schema".users"#)?.description == #""my.schema".users"#)
        for bad in ["", ".", "a.", ".b", "a.b.c", #""open"#, #"a"b"#] {
            #expect(TableName(spelling: bad) == nil, "\(bad)")
        }
    }

    @Test func namesAirlockCannotKeepApartAreRefused() {
        let refusals: [(String, String, String)] = [
            (Self.spec(users: "table: a.b.c"), "entities.users.table", "is not a table name"),
            (Self.spec(users: "table: users__backup_000001"), "entities.users.table", "Airlock's staging"),
            (Self.spec(users: "table: \(String(repeating: "x", count: 48))"), "entities.users.table", "47 bytes"),
            (
                Self.spec(users: "table: auth.shared", profiles: "table: auth.shared"), "entities.profiles.table",
                "entities users and profiles both write table auth.shared"
            ),
            (
                Self.spec(users: "table: auth.shared", profiles: "table: public.Shared"), "entities.profiles.table",
                "on SQLite targets, which have no schemas"
            )
        ]
        for (yaml, place, reason) in refusals {
            #expect {
                try Spec.parse(yaml: yaml)
            } throws: { error in
                guard case let SpecError.invalid(_, at, text) = error else { return false }
                return at == place && text.contains(reason)
            }
        }
    }
}
