import Foundation

@testable import AirlockProducer
@testable import AirlockSite

/// A target a site already has, modeled on the seeds of the MobileMart sync Airlock was made
/// for: `auth.users` (uuid id, varchar email unique, an enum role, created_at defaulted),
/// `public.unified_profiles` referring to it with a jsonb and a text[] column, and `public.products` with a
/// bigserial id, an enum product type, no unique constraint on the natural key and columns of
/// the site's own. Two drops make bundle 1 (a first load) and bundle 2 (updates, inserts and
/// deletes in every table).
struct SeedsFixture {
    /// Made once, on first use, and only read after: the tests that share it change nothing in it.
    nonisolated(unsafe) static let shared = Result { try SeedsFixture() }

    static let spec = """
        producer: {key: producer}
        entities:
          users:
            table: auth.users
            source: {files: "users*.json"}
            key: id
            delivery: both
            columns:
              id: text
              email: {type: text, case: lower}
              role: enum
          profiles:
            table: unified_profiles
            source: {files: "profiles*.json"}
            key: user_id
            columns:
              user_id: {type: text, references: users}
              display_name: text
              preferences: text
              tags: text
          products:
            table: public.products
            source: {files: "products*.json"}
            key: sku
            upsert: update_then_insert
            columns:
              sku: text
              name: text
              product_type: enum
              price: "decimal(12,2)"

        """

    /// The site's schema, made before Airlock ever runs.
    static let postgresSchema = """
        CREATE SCHEMA auth;
        CREATE TYPE auth.user_role AS ENUM ('admin', 'member', 'guest');
        CREATE TABLE auth.users (
            id uuid PRIMARY KEY,
            email varchar(120) NOT NULL UNIQUE,
            role auth.user_role NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE public.unified_profiles (
            user_id uuid PRIMARY KEY REFERENCES auth.users (id),
            display_name text,
            preferences jsonb,
            tags text[],
            updated_at timestamptz DEFAULT now()
        );
        CREATE TYPE public.product_type AS ENUM ('airtime', 'data', 'bill_payment', 'voucher');
        CREATE TABLE public.products (
            id bigserial PRIMARY KEY,
            sku text NOT NULL,
            name varchar(200),
            product_type product_type NOT NULL,
            price numeric(14,2),
            notes text,
            stock integer NOT NULL DEFAULT 0
        );
        CREATE INDEX products_sku ON public.products (sku);
        """

    static func user(_ number: Int) -> String { "6f1c0c2e-4b7a-4d39-9a57-0f7c2d7e1a0\(number)" }

    /// Users 1-3, profiles 1-2, products P-1 to P-3.
    static let firstDrop = [
        "users-1.json": """
        [{"id": "\(user(1))", "email": "Thandi@Example.com", "role": "admin"},
         {"id": "\(user(2))", "email": "lerato@example.com", "role": "member"},
         {"id": "\(user(3))", "email": "sipho@example.com", "role": "Member"}]
        """,
        "profiles-1.json": #"""
        [{"user_id": "6f1c0c2e-4b7a-4d39-9a57-0f7c2d7e1a01", "display_name": "Thandi", "preferences": "{\"theme\":\"dark\",\"lang\":\"zu\"}", "tags": "{vip,\"early adopter\"}"},
         {"user_id": "6f1c0c2e-4b7a-4d39-9a57-0f7c2d7e1a02", "display_name": "Lerato", "preferences": "{\"lang\": \"en\"}", "tags": "{beta}"}]
        """#,
        "products-1.json": """
        [{"sku": "P-1", "name": "Airtime R10", "product_type": "airtime", "price": "10.00"},
         {"sku": "P-2", "name": "Data 1GB", "product_type": "data", "price": "99"},
         {"sku": "P-3", "name": "Electricity", "product_type": "Bill Payment", "price": "150.5"}]
        """
    ]

    /// User 3 becomes an admin and user 4 (a guest) arrives; profile 1 goes, profile 2 changes
    /// and profile 4 arrives; P-1's price changes, P-2 goes, P-4 (a voucher) arrives.
    static let secondDrop = [
        "users-2.json": """
        [{"id": "\(user(1))", "email": "thandi@example.com", "role": "admin"},
         {"id": "\(user(2))", "email": "lerato@example.com", "role": "member"},
         {"id": "\(user(3))", "email": "sipho@example.com", "role": "admin"},
         {"id": "\(user(4))", "email": "guest@example.com", "role": "guest"}]
        """,
        "profiles-2.json": #"""
        [{"user_id": "6f1c0c2e-4b7a-4d39-9a57-0f7c2d7e1a02", "display_name": "Lerato M", "preferences": "{\"lang\": \"en\", \"beta\": true}", "tags": "{beta,\"it's\"}"},
         {"user_id": "6f1c0c2e-4b7a-4d39-9a57-0f7c2d7e1a04", "display_name": "Guest", "preferences": null, "tags": "{}"}]
        """#,
        "products-2.json": """
        [{"sku": "P-1", "name": "Airtime R10", "product_type": "airtime", "price": "12.50"},
         {"sku": "P-3", "name": "Electricity", "product_type": "bill_payment", "price": "150.5"},
         {"sku": "P-4", "name": "Gift voucher", "product_type": "voucher", "price": "50"}]
        """
    ]

    let workspace: TestWorkspace
    let bundle1: URL
    let bundle2: URL
    /// Bundle 2's members, for the scripts run with psql.
    let extracted2: URL
    let extracted1: URL

    init(spec: String = SeedsFixture.spec, first: [String: String] = firstDrop, second: [String: String] = secondDrop)
        throws
    {
        workspace = try TestWorkspace(spec: spec)
        let kept = workspace.root.appendingPathComponent("bundles")
        try FileManager.default.createDirectory(at: kept, withIntermediateDirectories: true)
        var bundles: [URL] = []
        for (number, drop) in [first, second].enumerated() {
            for (name, text) in drop { try workspace.write(text, toInbox: name) }
            guard case let .bundle(file, _, _) = try workspace.run().outcome else {
                throw ShellError(description: "drop \(number + 1) made no bundle")
            }
            let copy = kept.appendingPathComponent("bundle-\(number + 1).tar.gz")
            try FileManager.default.copyItem(at: file, to: copy)
            bundles.append(copy)
        }
        (bundle1, bundle2) = (bundles[0], bundles[1])
        extracted1 = try Shell.extract(bundle1)
        extracted2 = try Shell.extract(bundle2)
    }

    /// `airlock ARGUMENTS --allowed-signers …`, as a separate process.
    func airlock(_ arguments: [String]) throws -> Shell.Result {
        try AirlockProcess.run(arguments + ["--allowed-signers", workspace.allowedSigners.path])
    }

    /// A fresh PostgreSQL database holding the site's schema.
    static func postgresTarget() throws -> Postgres {
        let postgres = try Postgres.freshDatabase()
        _ = try postgres.query(postgresSchema)
        return postgres
    }

    /// The whole database as pg_dump writes it (schema, data, the site's columns), but for
    /// what Airlock appends to and what sequences hand out: the ledger and checksum offsets
    /// (made by the first script),
    /// the staging tables a cutover rollback keeps for a retry, and sequence positions, which
    /// PostgreSQL never takes back (a rolled-back insert still used its id). Each table's rows
    /// are sorted: a table is a set, and an update moves a row within the file.
    static func dump(_ postgres: Postgres) throws -> String {
        let result = try Shell.run([
            "pg_dump", "--no-owner", "--exclude-table=airlock_ledger", "--exclude-table=airlock_checksum_offsets",
            "--exclude-table=*.*__staging_*", "-d", postgres.conninfo
        ])
        guard result.status == 0 else { throw ShellError(description: "pg_dump: \(result.error)") }
        var lines: [Substring] = [], rows: [Substring]?
        for line in result.output.split(separator: "\n", omittingEmptySubsequences: false) {
            // pg_dump's \restrict lines carry a key it draws anew for each dump.
            if line.hasPrefix("SELECT pg_catalog.setval(") || line.hasPrefix("\\restrict ")
                || line.hasPrefix("\\unrestrict ")
            {
                continue
            }
            if rows != nil, line == "\\." {
                lines += rows!.sorted()
                rows = nil
            }
            if rows != nil {
                rows!.append(line)
            } else {
                lines.append(line)
                if line.hasPrefix("COPY ") { rows = [] }
            }
        }
        return lines.joined(separator: "\n")
    }
}
