// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Doorstep",
    // Synchronization.Mutex needs macOS 15; Linux (where the bureau runs it) needs no declaration.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "doorstep", targets: ["doorstep"]),
        .library(name: "DoorstepCoverage", targets: ["DoorstepCoverage"]),
        // Exported for tools/fuzz, which builds the readers and the name checker with libFuzzer.
        .library(name: "DoorstepGeoJSON", targets: ["DoorstepGeoJSON"]),
        .library(name: "DoorstepNames", targets: ["DoorstepNames"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGEOS",
            pkgConfig: "geos",
            providers: [.apt(["libgeos-dev"])]
        ),
        // Headers only, found without pkg-config, whose --libs would link PROJ: DoorstepCRS opens
        // libproj at run time (see Sources/CPROJ/module.modulemap).
        .systemLibrary(
            name: "CPROJ",
            providers: [.apt(["libproj-dev"])]
        ),
        // Headers only, found without pkg-config, whose -lgdal would link it: DoorstepGDAL opens
        // libgdal at run time (see Sources/CGDAL/shim.h).
        .systemLibrary(
            name: "CGDAL",
            providers: [.apt(["libgdal-dev"])]
        ),
        // Headers only, found without pkg-config, whose --libs would link CBC: DoorstepSiting opens
        // libCbcSolver at run time (see Sources/CCbc/module.modulemap).
        .systemLibrary(
            name: "CCbc",
            providers: [.apt(["coinor-libcbc-dev"])]
        ),
        // C libraries opened at run time (GDAL, PROJ, CBC), not linked.
        .target(name: "DoorstepLoader"),
        .target(name: "DoorstepGeometry", dependencies: ["CGEOS"]),
        // Large input files mapped read-only, with a SIGBUS guard for a file shortened meanwhile.
        .target(name: "CFileMapping"),
        .target(
            name: "DoorstepGeoJSON",
            dependencies: ["CFileMapping", "DoorstepGeometry"]
        ),
        .target(name: "DoorstepCRS", dependencies: ["CPROJ", "DoorstepGeometry", "DoorstepLoader"]),
        // Every format GDAL reads and writes; only the CLI (and the server) link it.
        .target(name: "DoorstepGDAL", dependencies: ["CGDAL", "DoorstepGeoJSON", "DoorstepGeometry", "DoorstepLoader"]),
        .target(name: "DoorstepNetwork", dependencies: ["DoorstepGeometry", "DoorstepCRS"]),
        .target(
            name: "DoorstepCoverage",
            dependencies: ["DoorstepGeometry", "DoorstepGeoJSON", "DoorstepCRS", "DoorstepNetwork"]
        ),
        .target(name: "DoorstepSample", dependencies: ["DoorstepCoverage"]),
        .target(
            name: "DoorstepNames",
            dependencies: ["DoorstepGeometry", "DoorstepGeoJSON", "DoorstepCRS", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(name: "DoorstepSiting", dependencies: ["CCbc", "DoorstepCoverage", "DoorstepCRS", "DoorstepGeometry", "DoorstepLoader"]),
        .target(name: "DoorstepReport", dependencies: ["DoorstepCoverage", "DoorstepGeometry", "DoorstepGeoJSON", "DoorstepNetwork"]),
        // `doorstep serve`: OGC API Features, the analysis endpoints, the map page over one workspace, and the
        // place-name registry with bearer tokens (HMAC-SHA256 from swift-crypto).
        .target(
            name: "DoorstepServer",
            dependencies: [
                "DoorstepCoverage", "DoorstepGeoJSON", "DoorstepGeometry", "DoorstepSiting", "DoorstepReport", "DoorstepNames",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "doorstep",
            dependencies: [
                "DoorstepCoverage", "DoorstepSample", "DoorstepNames", "DoorstepSiting", "DoorstepReport", "DoorstepGDAL", "DoorstepServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "DoorstepTests",
            dependencies: [
                "DoorstepGeometry", "DoorstepGeoJSON", "DoorstepCRS", "DoorstepNetwork", "DoorstepCoverage", "DoorstepSample", "DoorstepNames", "DoorstepGDAL",
                "DoorstepSiting", "DoorstepReport", "doorstep", .product(name: "GRDB", package: "GRDB.swift"),
                "DoorstepServer", .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            // The loading tests compare the functions loaded at run time with the linked ones; PROJ's
            // geodesic routines are the tests' yardstick.
            linkerSettings: [.linkedLibrary("gdal"), .linkedLibrary("CbcSolver"), .linkedLibrary("proj")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
