// swift-tools-version:6.0
import PackageDescription

// One target per layer; a layer knows only the layers below it, and the compiler keeps it so:
//
//   airlock (CLI) ──> AirlockProducer ──> AirlockSpec ──> AirlockBase
//          │                 └──────────> AirlockSite ──> AirlockBase
//          └──────────────────────────────> AirlockSite
//
// AirlockSite is what an air-gapped site needs (bundle format, trust, verify, apply) and
// depends on neither the spec nor the producer. README: Layout.
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Airlock",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "airlock", targets: ["airlock"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1")
    ],
    targets: [
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // fork + PR_SET_PDEATHSIG + exec, which Foundation's Process cannot do: a child (psql)
        // that dies with Airlock, even when Airlock is killed with SIGKILL.
        .target(name: "CChildProcess"),
        // sqlite3_config, variadic in C, for the CLI to set SQLite up before its first use.
        .target(name: "CSQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
        // The foundation: SQL quoting and literals, column types and value parsers, byte IO,
        // archives read defensively, strict YAML settings, errors and exit statuses.
        .target(
            name: "AirlockBase",
            dependencies: [
                "CArchive",
                "CChildProcess",
                .product(name: "Crypto", package: "swift-crypto"),
                // Settings files (the spec, a site's config) are YAML, read strictly the same way.
                .product(name: "Yams", package: "Yams")
            ],
            swiftSettings: swiftSettings
        ),
        // The site side: the bundle format and layout, the manifest, trust (keys, SSHSIG,
        // allowed signers, revocation), reviews, the verifier, the applied chain, targets and
        // the applier, the site's config.
        .target(
            name: "AirlockSite",
            dependencies: [
                "AirlockBase",
                "CArchive",
                "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                // sqlite3_complete: where an SQLite script's shell command may start (Apply).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams")
            ],
            swiftSettings: swiftSettings
        ),
        // The spec (airlock.yml): what feeds which entity and how records become rows.
        .target(
            name: "AirlockSpec",
            dependencies: [
                "AirlockBase",
                .product(name: "Yams", package: "Yams")
            ],
            swiftSettings: swiftSettings
        ),
        // The producer: workspace, ingest, normalize, validate, diff, emit, report, pipeline,
        // watch, pull, infer.
        .target(
            name: "AirlockProducer",
            dependencies: [
                "AirlockBase",
                "AirlockSpec",
                "AirlockSite",
                "CArchive",
                "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The same system libsqlite3 GRDB links; scripts read column bytes in place (Emit).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log")
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "airlock",
            dependencies: [
                "AirlockBase",
                "AirlockSpec",
                "AirlockSite",
                "AirlockProducer",
                "CSQLiteSetup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ],
            swiftSettings: swiftSettings
        ),
        // The readers under libFuzzer (scripts/fuzz), or a replayer of the inputs it saves.
        .executableTarget(
            name: "airlock-fuzz",
            dependencies: ["AirlockProducer"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AirlockTests",
            dependencies: [
                "AirlockBase",
                "AirlockSpec",
                "AirlockSite",
                "AirlockProducer",
                "CArchive",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based")
            ],
            swiftSettings: swiftSettings
        )
    ]
)
