// swift-tools-version: 6.0
// libFuzzer harnesses for Doorstep's input readers and name checker. Build and run with ./run.sh.
import PackageDescription

let package = Package(
    name: "DoorstepFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Doorstep", path: "../..")],
    targets: [
        .executableTarget(name: "FuzzGeoJSON", dependencies: [.product(name: "DoorstepGeoJSON", package: "Doorstep")]),
        .executableTarget(name: "FuzzCSV", dependencies: [.product(name: "DoorstepGeoJSON", package: "Doorstep")]),
        .executableTarget(
            name: "FuzzNames",
            dependencies: [
                .product(name: "DoorstepNames", package: "Doorstep"), .product(name: "DoorstepGeoJSON", package: "Doorstep"),
            ]),
        .executableTarget(name: "FuzzFlags", dependencies: [.product(name: "DoorstepCoverage", package: "Doorstep")]),
        // Not a fuzzer: times the readers on large files (see tools/fuzz/README.md).
        .executableTarget(name: "ReadBench", dependencies: [.product(name: "DoorstepGeoJSON", package: "Doorstep")]),
    ],
    swiftLanguageModes: [.v6]
)
